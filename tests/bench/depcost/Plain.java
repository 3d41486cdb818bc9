public class Plain {
  public static void main(String[] a) {
    String f = null; boolean t = false; int n = 0;
    for (int i = 0; i < a.length; i++) { switch (a[i]) { case "-t" -> t = true; case "-f" -> f = a[++i]; default -> n++; } }
    if (n > 99) System.out.println(f + t);
  }
}
