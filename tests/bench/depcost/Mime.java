import org.apache.james.mime4j.codec.EncoderUtil;
public class Mime {
  public static void main(String[] a) {
    String s = EncoderUtil.encodeEncodedWord("Jürgen Müller", EncoderUtil.Usage.WORD_ENTITY);
    if (s.length() > 999) System.out.println(s);
  }
}
