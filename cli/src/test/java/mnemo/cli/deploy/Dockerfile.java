package mnemo.cli.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the image built from deploy/Dockerfile holds: its environment ({@code ENV}), its entry point and
 * command (exec form only), and the files it copies in (absolute paths, resolved against {@code WORKDIR}).
 */
record Dockerfile(Map<String, String> env, List<String> entrypoint, List<String> cmd, List<String> copiedPaths) {

  static Dockerfile parse(String text) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    List<String> copied = new ArrayList<>();
    String workdir = "/";
    for (String line : text.replace("\\\n", " ").split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] kv = l.split("\\s+", 2);
      String instruction = kv[0].toUpperCase();
      String rest = kv.length > 1 ? kv[1].strip() : "";
      switch (instruction) {
        case "WORKDIR" -> workdir = rest.startsWith("/") ? rest : join(workdir, rest);
        case "ENV" -> {
          if (!rest.contains("=")) { // ENV NAME VALUE
            String[] nv = rest.split("\\s+", 2);
            env.put(nv[0], nv.length > 1 ? nv[1] : "");
          } else {
            for (String pair : rest.split("\\s+")) {
              int eq = pair.indexOf('=');
              if (eq <= 0) {
                throw new IllegalArgumentException("ENV pair without '=': " + l);
              }
              env.put(pair.substring(0, eq), unquote(pair.substring(eq + 1)));
            }
          }
        }
        case "COPY", "ADD" -> {
          String[] parts = rest.split("\\s+");
          String dest = parts[parts.length - 1];
          copied.add(dest.startsWith("/") ? dest : join(workdir, dest));
        }
        case "ENTRYPOINT" -> entrypoint = execForm(l, rest);
        case "CMD" -> cmd = execForm(l, rest);
        default -> { } // FROM, RUN, LABEL, ...: nothing the pods depend on
      }
    }
    return new Dockerfile(env, entrypoint, cmd, copied);
  }

  private static String join(String dir, String rel) {
    String d = dir.endsWith("/") ? dir : dir + "/";
    return (d + (rel.startsWith("./") ? rel.substring(2) : rel)).replaceAll("/$", "");
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  @SuppressWarnings("unchecked")
  private static List<String> execForm(String line, String json) {
    if (!json.startsWith("[")) {
      throw new IllegalArgumentException("only the exec form [\"...\"] is understood: " + line);
    }
    Object list = new Yaml(new SafeConstructor(new LoaderOptions())).load(json); // a JSON array is YAML
    return List.copyOf((List<String>) list);
  }
}
