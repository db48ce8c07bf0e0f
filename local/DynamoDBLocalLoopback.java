import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local for the local stack (local/dynamodb.ts runs this file with `java -cp DynamoDBLocal.jar`):
 * the jar's own server, built from the jar's own arguments, with three differences.
 *
 * It listens on 127.0.0.1 only. The jar has no host option and its `new Server(port)` (Jetty) listens on
 * every interface, so the connector gets the loopback host before it opens; the Jetty server is a private
 * field of DynamoDBProxyServer (DynamoDB Local 3.3.1), hence the reflection.
 *
 * It lives as long as its standard input: when the parent closes the pipe, or dies in any way (SIGKILL
 * included), the read below ends and the server stops.
 *
 * It prints "listening <port>" once its own socket is open, so the parent knows it talks to this server and
 * not to something else answering on the port; a port already taken fails the start (the jar's start()
 * prints the error and carries on).
 */
public class DynamoDBLocalLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) ((ServerConnector) connector).setHost("127.0.0.1");
    try {
      proxy.safeStart();
    } catch (Exception error) {
      System.err.println("DynamoDB Local could not start: " + error);
      System.exit(1);
    }
    System.out.println("listening " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // Nothing is sent on the pipe: only its end matters.
    }
    proxy.stop();
    System.exit(0);
  }
}
