// Starts Debian's JMeter 2.13 so that it can load test plans at all. Debian builds it against
// its own XStream (1.4.18 and later), whose security framework forbids every class not allowed
// explicitly, and JMeter 2.13 allows none: `jmeter -n -t any.jmx` fails with
// "ForbiddenClassException: org.apache.jmeter.save.ScriptWrapper". This launcher does what
// JMeter's NewDriver does (builds JMeter's class loader), allows JMeter's own classes in the two
// XStream instances of SaveService (plans and results), then calls NewDriver.main with the
// arguments unchanged. Reflection only, so it compiles with the JDK alone.
//
// java -Djmeter.home=/usr/share/jmeter -cp /usr/share/jmeter/bin/ApacheJMeter.jar:DIR \
//      JMeterLauncher -n -t plan.jmx -l results.jtl
import java.lang.reflect.Field;
import java.lang.reflect.Method;

public final class JMeterLauncher {
  private static final String[] ALLOWED = {"org.apache.jmeter.**", "org.apache.jorphan.**"};

  public static void main(String[] args) throws Exception {
    String home = System.getProperty("jmeter.home", "/usr/share/jmeter");
    // NewDriver's static initialiser builds the class loader over JMeter's lib/ jars.
    Class<?> driver = Class.forName("org.apache.jmeter.NewDriver");
    Field loaderField = driver.getDeclaredField("loader");
    loaderField.setAccessible(true);
    ClassLoader loader = (ClassLoader) loaderField.get(null);
    Thread.currentThread().setContextClassLoader(loader);
    // SaveService reads its properties through JMeterUtils when its class initialises.
    Class<?> utils = Class.forName("org.apache.jmeter.util.JMeterUtils", true, loader);
    utils.getMethod("setJMeterHome", String.class).invoke(null, home);
    utils.getMethod("loadJMeterProperties", String.class)
        .invoke(null, home + "/bin/jmeter.properties");
    Class<?> save = Class.forName("org.apache.jmeter.save.SaveService", true, loader);
    for (String name : new String[] {"JMXSAVER", "JTLSAVER"}) {
      Field f = save.getDeclaredField(name);
      f.setAccessible(true);
      Object xstream = f.get(null);
      Method allow = xstream.getClass().getMethod("allowTypesByWildcard", String[].class);
      allow.invoke(xstream, (Object) ALLOWED);
    }
    driver.getMethod("main", String[].class).invoke(null, (Object) args);
  }
}
