package mnemo.cli;

import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;

/** Makes the agent network for a spec (the cores module's implementation). */
final class Agents {
  private Agents() {}

  static AgentModel create(AgentSpec spec) {
    throw new UnsupportedOperationException("no AgentModel implementation merged yet");
  }
}
