package mnemo.agent.network;

import ai.djl.Device;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;

/** Builds the agent network for a spec. */
public final class AgentNetworks {

  private AgentNetworks() {}

  /**
   * A freshly initialized network on {@code device}, its weights drawn from {@code spec.seed()}.
   *
   * @throws IllegalArgumentException for an unknown core spec or an observation shape the torso
   *     cannot take
   */
  public static AgentModel create(AgentSpec spec, Device device) {
    return new AgentNetwork(spec, device);
  }
}
