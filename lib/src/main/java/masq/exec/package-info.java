/**
 * Running a child process that masq waits for ({@link masq.exec.Child}): an MDA, a {@code |pipe}
 * alias, a pipe route, {@code online_query}, getent, logger. Each runs with a deadline after which
 * it and everything it started are killed, and its output is read as it comes with a cap, so that
 * no command can hang a run or fill its memory. May use: only the JDK.
 */
package masq.exec;
