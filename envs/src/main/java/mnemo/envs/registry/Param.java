package mnemo.envs.registry;

/** One parameter of a task family: its name, default value (as written in an id) and help text. */
public record Param(String name, String defaultValue, String help) {}
