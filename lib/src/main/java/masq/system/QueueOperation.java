package masq.system;

import java.io.IOException;
import masq.Api;
import masq.Exit;
import masq.MasqException;
import masq.spool.Envelope;
import masq.spool.MessageLock;
import masq.spool.Spool;

/**
 * What may be done to one queued message by hand: masq-queue's {@code remove}, {@code hold} and
 * {@code release}, run by mail or root at once, or asked for by an ordinary user in system mode (a
 * request file {@code users/UID/ID.WORD} that the next masq-deliver run carries out).
 */
@Api
public enum QueueOperation {
  REMOVE("remove", "removed"),
  HOLD("hold", "held"),
  RELEASE("release", "released");

  private final String word;
  private final String done;

  QueueOperation(String word, String done) {
    this.word = word;
    this.done = done;
  }

  /** The command's word: "remove", "hold", "release" (also a request file's extension). */
  public String word() {
    return word;
  }

  /** What the log says was done: "removed", "held", "released". */
  public String done() {
    return done;
  }

  /** The operation that {@code word} names, or null when it names none. */
  public static QueueOperation named(String word) {
    for (QueueOperation op : values()) {
      if (op.word.equals(word)) {
        return op;
      }
    }
    return null;
  }

  /** What {@link #carryOut} did. */
  public enum Result {
    /** A delivery holds the message locked: nothing done, try again later. */
    BUSY,
    /** Removed, held or released. */
    DONE,
    /** Nothing to do: held already (hold), or not held (release). */
    UNCHANGED
  }

  /**
   * Removes, holds or releases one queued message. Returns false when a delivery holds the message
   * locked (nothing done: try again later).
   *
   * @param uid the only uid whose messages may be changed, or -1 for any
   * @throws MasqException 67 when there is no such message (or it is not uid's)
   */
  public boolean apply(Spool spool, String id, long uid) throws MasqException, IOException {
    return carryOut(spool, id, uid) != Result.BUSY;
  }

  /**
   * Removes, holds or releases one queued message, and says which of that happened; a message held
   * already is not held again, one not held is not released (nor the spool file rewritten).
   *
   * @param uid the only uid whose messages may be changed, or -1 for any
   * @throws MasqException 67 when there is no such message (or it is not uid's)
   */
  public Result carryOut(Spool spool, String id, long uid) throws MasqException, IOException {
    try (MessageLock lock = spool.lock(id)) {
      if (lock == null) {
        return Result.BUSY;
      }
      Envelope e = spool.read(id);
      if (uid >= 0 && e.uid() != uid) {
        throw new MasqException(Exit.NOUSER, "no such message among yours: " + id);
      }
      if (this != REMOVE && e.held() == (this == HOLD)) {
        return Result.UNCHANGED;
      }
      switch (this) {
        case REMOVE -> spool.remove(lock);
        case HOLD -> spool.update(lock, e.withHeld(true));
        case RELEASE -> spool.update(lock, e.withHeld(false));
      }
      return Result.DONE;
    }
  }

  /**
   * What masq-queue says of one message, as Postfix's postsuper does: {@code removed}, {@code
   * held}, {@code released}; {@code held already}, {@code not held} when nothing was to be done.
   */
  public String said(Result r) {
    if (r == Result.UNCHANGED) {
      return this == HOLD ? "held already" : "not held";
    }
    return done;
  }
}
