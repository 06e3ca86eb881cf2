package mnemo.actor;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import mnemo.envs.BatchedEnvironment;
import mnemo.envs.TimeStep;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor loop: N environments, one batched inference per step, actions sampled from the logits,
 * unrolls of T+1 steps streamed to the learner, weights refreshed between unrolls when the learner's
 * version moves.
 *
 * <pre>{@code
 * steps = env.reset(seed); prev = -1
 * loop:
 *   out = policy.step(steps, prev, state)          // logits μ(·|x_t), next core state
 *   a   = sample(out.logits)
 *   unroll.record(steps, prev, a, out.logits)       // index t
 *   if unroll holds T+1 steps: send it; keep step T as step 0 of the next; refresh weights
 *   steps = env.step(a); prev = a (or -1 where a new episode starts)
 * }</pre>
 *
 * The weight version stamped on an unroll is the version that produced steps 1..T (step 0 repeats the
 * previous unroll's last step, computed before the refresh).
 */
public final class Actor implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Actor.class);

  private final BatchedEnvironment env;
  private final Policy policy;
  private final LearnerLink link;
  private final ActorMetrics metrics;
  private final int unrollLength;
  private final long seed;
  private final ActionSampler sampler;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile long weightVersion;
  private long sequence;
  private java.util.function.LongToDoubleFunction exploration = version -> 0;
  private boolean episodeUnrolls;
  private double exploringStarts;
  private final SplittableRandom startRng;
  private java.util.concurrent.atomic.AtomicInteger curriculum = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param weightVersion the version of the weights the policy holds now
   * @param seed seeds the environments (reset) and the action sampler
   */
  public Actor(BatchedEnvironment env, Policy policy, LearnerLink link, ActorMetrics metrics, int unrollLength,
      long seed, long weightVersion) {
    if (env.spec().numActions() != policy.numActions()) {
      throw new IllegalArgumentException("the environment has " + env.spec().numActions()
          + " actions, the policy " + policy.numActions());
    }
    this.env = env;
    this.policy = policy;
    this.link = link;
    this.metrics = metrics;
    this.unrollLength = unrollLength;
    this.seed = seed;
    this.sampler = new ActionSampler(mnemo.proto.Seeds.derive(seed, -1), false);
    this.startRng = new SplittableRandom(mnemo.proto.Seeds.derive(seed, -2));
    this.weightVersion = weightVersion;
    metrics.weightVersion(weightVersion);
  }

  /**
   * Sets the exploration rate as a function of the weight version the actor holds (default: none);
   * see {@link ActorSetup#exploration}.
   */
  public Actor withExploration(java.util.function.LongToDoubleFunction epsilonAtVersion) {
    this.exploration = epsilonAtVersion;
    return this;
  }

  /**
   * Where the actor puts the length curriculum's memory length that comes with each weight refresh (the
   * environments read it at their next reset); see {@link ActorSetup#create}.
   */
  public Actor withCurriculum(java.util.concurrent.atomic.AtomicInteger memoryLength) {
    this.curriculum = memoryLength;
    return this;
  }

  /**
   * Ends each unroll early where every environment starts a new episode (default: only when full). With
   * episodes of one length, as a memory task's at the curriculum's ℓ, each unroll then holds one whole
   * episode and the step after it, whatever ℓ is: short episodes make short unrolls and as many updates
   * as episodes allow, and every unroll starts on a FIRST step, so the gradient joins an episode's start
   * to its end (see {@code ExperimentConfigs.episodeUnroll}).
   */
  public Actor withEpisodeUnrolls(boolean episodeUnrolls) {
    this.episodeUnrolls = episodeUnrolls;
    return this;
  }

  /**
   * Exploring starts (Sutton and Barto's Monte Carlo ES): the share {@code p} of episodes whose first
   * action is uniformly random; the rest of each follows the policy. Unlike ε-exploration at every step,
   * the detour a random first action tries is then judged by the policy's own continuation (the active
   * T-maze's step back to the cue, docs/results-rl.md). The unroll records π's logits, as for ε.
   */
  public Actor withExploringStarts(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("exploring starts must be in [0, 1], got " + p);
    }
    this.exploringStarts = p;
    return this;
  }

  private void exploreStarts(TimeStep[] steps, int[] actions, EpisodeTracker episodes) {
    if (exploringStarts <= 0) {
      return;
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i].isFirst() && startRng.nextDouble() < exploringStarts) {
        actions[i] = startRng.nextInt(policy.numActions());
        episodes.exploringStart(i); // not counted by the curriculum
      }
    }
  }

  private static boolean allFirst(TimeStep[] steps) {
    for (TimeStep s : steps) {
      if (!s.isFirst()) {
        return false;
      }
    }
    return true;
  }

  /** Asks the loop to finish after the current step; {@link #run} then returns. */
  public void stop() {
    stopping.set(true);
  }

  public long weightVersion() {
    return weightVersion;
  }

  /** Unrolls handed to the link so far. */
  public long unrollsSent() {
    return sequence;
  }

  @Override
  public void run() {
    try {
      loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stopping.get()) {
        throw e;
      }
      log.debug("actor stopped while {}", e.toString());
    }
  }

  private void loop() throws InterruptedException {
    int n = env.size();
    UnrollAssembler unroll = new UnrollAssembler(unrollLength, n, env.spec().observation(), policy.numActions());
    EpisodeTracker episodes = new EpisodeTracker(n);
    TimeStep[] steps = env.reset(seed);
    int[] prev = new int[n];
    Arrays.fill(prev, -1);
    CoreState state = policy.initialState(n);
    unroll.begin(state);
    while (!stopping.get() && !link.learnerFinished() && !Thread.currentThread().isInterrupted()) {
      long t0 = System.nanoTime();
      PolicyStep out = policy.step(steps, prev, state);
      metrics.inference(System.nanoTime() - t0);
      // a ~ (1 − ε) π + ε uniform; the unroll records π's logits: the learner trains on the exploratory
      // actions as if π had taken them (no importance weight that would cancel their gradient)
      int[] actions = sampler.sample(out.logits(), policy.numActions(), exploration.applyAsDouble(weightVersion));
      exploreStarts(steps, actions, episodes);
      unroll.record(steps, prev, actions, out.logits());
      if (unroll.full() || episodeUnrolls && unroll.size() > 1 && allFirst(steps)) {
        link.send(unroll.build("", sequence++, weightVersion));
        metrics.unrollSent();
        unroll.restart(state);
        refreshWeights();
      }
      state = out.next();
      TimeStep[] next = env.step(actions);
      for (int i = 0; i < n; i++) {
        prev[i] = next[i].isFirst() ? -1 : actions[i];
      }
      List<EpisodeStats> ended = episodes.observe(next);
      if (!ended.isEmpty()) {
        unroll.addEpisodes(ended);
        ended.forEach(metrics::episode);
      }
      metrics.steps(n);
      steps = next;
    }
    log.info("actor stopping after {} unrolls", sequence);
  }

  /** Closes the environments and the policy (call after {@link #run} returned). */
  @Override
  public void close() {
    env.close();
    policy.close();
  }

  private void refreshWeights() throws InterruptedException {
    if (link.learnerVersion() == weightVersion) {
      return;
    }
    Optional<Weights> w = link.fetchWeights(weightVersion);
    if (w.isPresent() && w.get().getVersion() != weightVersion && !w.get().getNpz().isEmpty()) {
      policy.loadWeights(w.get().getNpz().toByteArray());
      weightVersion = w.get().getVersion();
      curriculum.set(w.get().getMemoryLength());
      metrics.weightVersion(weightVersion);
    }
  }
}
