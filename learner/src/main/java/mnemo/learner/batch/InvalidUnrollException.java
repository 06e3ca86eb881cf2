package mnemo.learner.batch;

/** An unroll that fails validation: the learner rejects it (INVALID_ARGUMENT) and never trains on it. */
public final class InvalidUnrollException extends Exception {
  public InvalidUnrollException(String message) {
    super(message);
  }
}
