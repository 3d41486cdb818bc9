/**
 * What every package of masq shares: the sysexits codes of every command ({@link masq.Exit}), the
 * one exception that carries a one-line message and such a code to a command's exit ({@link
 * masq.MasqException}), an exception's text in words without Java class names ({@link
 * masq.ErrorText}), the version ({@link masq.Version}), the making of private parent directories
 * ({@link masq.PrivateParents}), and the writing of a file under a temporary name that is then
 * renamed into place ({@link masq.TempFile}). May use: only the JDK.
 */
package masq;
