package mnemo.learner;

import ai.djl.ndarray.NDManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import mnemo.agent.Autograd;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.metrics.LearnerMetrics;
import mnemo.learner.train.StepResult;
import mnemo.learner.train.TrainingStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs the update loop: one thread takes B unrolls from the {@link UnrollIntake}, stacks them into a
 * batch, runs the {@link TrainingStep}, publishes the new weights ({@link WeightPublisher}) and checkpoints
 * between updates ({@link Checkpointer}), until the frame budget is spent or it is stopped.
 *
 * <pre>{@code
 * loop.start();                                  // the training thread
 * loop.awaitFrames(10_000, Duration.ofMinutes(1));
 * loop.stop();                                   // after the current update; final checkpoint
 * }</pre>
 *
 * <p>Counters: frames are the environment steps trained on (T·N per unroll, counted when a batch is
 * consumed, also when its update is skipped); updates advance by one per applied update, and so does the
 * weight version.
 */
final class UpdateLoop {
  private static final Logger log = LoggerFactory.getLogger(UpdateLoop.class);

  private final TrainingStep step;
  private final int batchSize;
  private final long totalFrames;
  private final UnrollIntake intake;
  private final WeightPublisher weights;
  private final Checkpointer checkpointer;
  private final LearnerMetrics metrics;
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final CountDownLatch finishedLatch = new CountDownLatch(1);
  private final Object progressLock = new Object();
  private volatile boolean finished;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private Thread thread;

  /** {@code totalFrames}: the frame budget (0: none). */
  UpdateLoop(TrainingStep step, int batchSize, long totalFrames, UnrollIntake intake, WeightPublisher weights,
      Checkpointer checkpointer, LearnerMetrics metrics) {
    this.step = step;
    this.batchSize = batchSize;
    this.totalFrames = totalFrames;
    this.intake = intake;
    this.weights = weights;
    this.checkpointer = checkpointer;
    this.metrics = metrics;
  }

  /** Continues the counters of a checkpoint; a spent budget leaves the loop finished before it starts. */
  void restore(long frames, long updates, long skipped) {
    this.frames.set(frames);
    this.updates.set(updates);
    this.skipped.set(skipped);
    if (budgetSpent(frames)) {
      // a finished run stays finished: no extra batch past the budget, actors are told at once (the
      // training thread, once started, ends straight away)
      log.info("the checkpoint already holds the whole budget ({} of {} frames): training is finished", frames,
          totalFrames);
      finished = true;
    }
  }

  synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    thread = new Thread(this::run, "learner-train");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Autograd.disableOnThisThread();
    List<DecodedUnroll> pending = new ArrayList<>(batchSize);
    try {
      while (!stopping && !finished) {
        intake.takeBatch(pending, batchSize);
        int same = sameLength(pending);
        if (same < pending.size()) {
          // unrolls of another length (actors ending them at episode boundaries as the curriculum's ℓ
          // moved): the ones before train as a smaller batch, the rest wait for theirs
          List<DecodedUnroll> head = pending.subList(0, same);
          update(new ArrayList<>(head));
          head.clear();
        } else if (pending.size() >= batchSize) {
          update(pending);
          pending.clear();
        }
        checkpointer.maybeWrite(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      log.error("the training thread failed", t);
    } finally {
      if (failure == null) {
        checkpointer.maybeWrite(true);
      }
      finish();
    }
  }

  /** How many of the first unrolls in {@code pending} have the first one's length T (a batch holds one T). */
  private static int sameLength(List<DecodedUnroll> pending) {
    int n = 0;
    while (n < pending.size() && pending.get(n).unrollLength() == pending.get(0).unrollLength()) {
      n++;
    }
    return n;
  }

  private void update(List<DecodedUnroll> unrolls) {
    long t0 = System.nanoTime();
    for (DecodedUnroll u : unrolls) {
      metrics.trainedOn(u, weights.version());
    }
    StepResult r;
    long batchFrames;
    try (NDManager m = step.newStepManager()) {
      Batch batch = Batch.stack(unrolls, m);
      batchFrames = batch.frames();
      r = step.run(batch);
    }
    if (r.applied()) {
      // publish before the counters move, so whoever sees update n also gets weights of version n
      weights.publish(weights.version() + 1);
    }
    synchronized (progressLock) {
      long total = frames.addAndGet(batchFrames);
      if (r.applied()) {
        updates.incrementAndGet();
      } else {
        skipped.incrementAndGet();
        log.warn("skipped an update: loss {}, gradient norm {}", r.loss(), r.gradNorm());
      }
      metrics.step(r, batchFrames, total, Duration.ofNanos(System.nanoTime() - t0));
      progressLock.notifyAll();
      if (budgetSpent(total)) {
        log.info("reached {} frames (total_frames {})", total, totalFrames);
        finished = true;
      }
    }
  }

  /** Whether {@code frames} reach the frame budget (0 is no budget). */
  private boolean budgetSpent(long frames) {
    return totalFrames > 0 && frames >= totalFrames;
  }

  private void finish() {
    finished = true;
    finishedLatch.countDown();
    synchronized (progressLock) {
      progressLock.notifyAll();
    }
  }

  /**
   * Stops the thread after its current update (it writes the final checkpoint); without a thread, writes
   * it here.
   */
  void stop() {
    stopping = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      checkpointer.maybeWrite(true);
    }
    finish();
  }

  /** True while the training thread runs and the caller is another thread (snapshots must wait). */
  boolean runningElsewhere() {
    Thread t = thread;
    return t != null && t.isAlive() && Thread.currentThread() != t;
  }

  /** True once no more unrolls are wanted: stopping, finished or failed. */
  boolean stopped() {
    return stopping || finished;
  }

  boolean finished() {
    return finished;
  }

  Throwable failure() {
    return failure;
  }

  long frames() {
    return frames.get();
  }

  long updates() {
    return updates.get();
  }

  long skipped() {
    return skipped.get();
  }

  /** Waits until {@code counter} reaches {@code target} (or training ended); true if it did. */
  boolean await(LongSupplier counter, long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progressLock) {
      while (counter.getAsLong() < target && !finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progressLock, left);
      }
    }
    return counter.getAsLong() >= target;
  }

  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finishedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
