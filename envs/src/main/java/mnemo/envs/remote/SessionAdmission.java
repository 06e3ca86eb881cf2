package mnemo.envs.remote;

/**
 * The running account of a {@link SessionBudget}: what the open sessions have reserved. Thread-safe.
 */
final class SessionAdmission {
  private final SessionBudget budget;
  private long usedKiB;

  SessionAdmission(SessionBudget budget) {
    this.budget = budget;
  }

  /** Reserves {@code kib} if it fits; false (nothing reserved) otherwise. */
  synchronized boolean tryReserve(long kib) {
    if (kib > budget.capacityKiB() - usedKiB) {
      return false;
    }
    usedKiB += kib;
    return true;
  }

  synchronized void release(long kib) {
    usedKiB -= kib;
  }

  synchronized long usedKiB() {
    return usedKiB;
  }

  SessionBudget budget() {
    return budget;
  }

  long capacityKiB() {
    return budget.capacityKiB();
  }
}
