package mnemo.cli;

import ai.djl.Device;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.network.AgentNetworks;

/** Makes the agent network for a spec; actors and evaluation infer on the CPU. */
final class Agents {
  private Agents() {}

  static AgentModel create(AgentSpec spec) {
    return AgentNetworks.create(spec, Device.cpu());
  }
}
