package masq.deliver;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One source of messages shared by the connections of a route ({@code max_connections}): each
 * connection iterates over its own {@link #view}, and each element of the source goes to exactly
 * one view, taken when that connection is ready for it.
 */
final class SharedSource<T> {
  private final Iterator<T> source;

  SharedSource(Iterator<T> source) {
    this.source = source;
  }

  private synchronized T poll() {
    return source.hasNext() ? source.next() : null;
  }

  /** One connection's iterator over what the others have not taken. */
  Iterator<T> view() {
    return new Iterator<>() {
      private T next;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          next = poll();
          done = next == null;
        }
        return next != null;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        T t = next;
        next = null;
        return t;
      }
    };
  }
}
