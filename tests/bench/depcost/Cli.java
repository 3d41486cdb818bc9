import org.apache.commons.cli.*;
public class Cli {
  public static void main(String[] a) throws Exception {
    Options o = new Options();
    o.addOption("t", false, "rcpts from headers");
    o.addOption("i", false, "dot");
    o.addOption(Option.builder("f").hasArg().build());
    o.addOption(Option.builder("F").hasArg().build());
    o.addOption(Option.builder("C").hasArg().build());
    o.addOption(Option.builder("v").build());
    CommandLine c = new DefaultParser().parse(o, a);
    if (c.getArgList().size() > 99) System.out.println(c.getOptionValue("f"));
  }
}
