package mnemo.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ListTasksRequest;
import mnemo.proto.env.v1.ListTasksResponse;
import mnemo.proto.env.v1.TaskInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnemoServerTest {

  /** A stand-in service: ListTasks answers one task, so calls that pass the interceptors are visible. */
  static final class FakeEnvironment extends EnvironmentGrpc.EnvironmentImplBase {
    @Override
    public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
      out.onNext(ListTasksResponse.newBuilder().addTasks(TaskInfo.newBuilder().setFamily("fake/task")).build());
      out.onCompleted();
    }
  }

  private static MnemoServer start(TransportSecurity security) {
    return MnemoServer.builder("test", security).addService(new FakeEnvironment()).start();
  }

  private static List<TaskInfo> listTasks(ManagedChannel channel) {
    return EnvironmentGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .listTasks(ListTasksRequest.getDefaultInstance()).getTasksList();
  }

  @Test
  void portZeroPicksAFreePortOnLoopback() {
    try (MnemoServer server = start(TransportSecurity.loopback())) {
      assertThat(server.port()).isPositive();
      assertThat(server.target()).isEqualTo("127.0.0.1:" + server.port());
      ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        assertThat(listTasks(ch)).extracting(TaskInfo::getFamily).containsExactly("fake/task");
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void tokenIsRequiredAndCheckedButHealthStaysOpen() {
    try (MnemoServer server = start(TransportSecurity.withToken("127.0.0.1", "s3cret"))) {
      ManagedChannel good = ClientChannels.open(server.target(), TransportSecurity.withToken(null, "s3cret"));
      ManagedChannel wrong = ClientChannels.open(server.target(), TransportSecurity.withToken(null, "s3creT"));
      ManagedChannel none = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        assertThat(listTasks(good)).hasSize(1);
        assertThatThrownBy(() -> listTasks(wrong)).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> listTasks(none)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
          assertThat(e.getStatus().getDescription()).contains("Bearer");
        });
        // Health needs no token.
        assertThat(HealthGrpc.newBlockingStub(none).check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        good.shutdownNow();
        wrong.shutdownNow();
        none.shutdownNow();
      }
    }
  }

  @Test
  void healthAnswersForTheServerAndEachServiceAndGoesDownOnClose() {
    MnemoServer server = start(TransportSecurity.loopback());
    ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch);
      assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
      assertThat(health.check(HealthCheckRequest.newBuilder().setService(EnvironmentGrpc.SERVICE_NAME).build())
          .getStatus()).isEqualTo(ServingStatus.SERVING);
      assertThatThrownBy(() -> health.check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
      server.setServing(EnvironmentGrpc.SERVICE_NAME, false);
      assertThat(health.check(HealthCheckRequest.newBuilder().setService(EnvironmentGrpc.SERVICE_NAME).build())
          .getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    } finally {
      server.close();
      ch.shutdownNow();
    }
    assertThat(server.isTerminated()).isTrue();
  }

  @Test
  void reflectionListsTheServices() throws Exception {
    try (MnemoServer server = start(TransportSecurity.loopback())) {
      ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(ch).serverReflectionInfo(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse r) {
                answers.add(r);
              }

              @Override
              public void onError(Throwable t) {
                answers.add(t);
              }

              @Override
              public void onCompleted() {}
            });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        Object answer = answers.poll(60, TimeUnit.SECONDS); // generous: a loaded machine delays the first call by seconds
        req.onCompleted();
        assertThat(answer).isInstanceOf(ServerReflectionResponse.class);
        assertThat(((ServerReflectionResponse) answer).getListServicesResponse().getServiceList())
            .extracting(ServiceResponse::getName)
            .contains("mnemo.env.v1.Environment", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void wideBindWithoutTokenOrTlsIsRefused() {
    assertThatThrownBy(() -> start(new TransportSecurity("0.0.0.0", null, null, null, null, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refusing to bind 0.0.0.0")
        .hasMessageContaining("--token")
        .hasMessageContaining("--tls-cert");
    // With a token the same bind is allowed.
    try (MnemoServer server = start(TransportSecurity.withToken("0.0.0.0", "t"))) {
      assertThat(server.port()).isPositive();
    }
  }

  @Test
  void tlsCertWithoutKeyIsRefused() {
    assertThatThrownBy(() -> new TransportSecurity(null, null, Path.of("cert.pem"), null, null, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--tls-key");
  }

  @Test
  void oversizedMessageIsResourceExhausted() {
    try (MnemoServer server = MnemoServer.builder("test", TransportSecurity.loopback())
        .addService(new FakeEnvironment()).maxInboundMessageSize(1024).start()) {
      ManagedChannel ch = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        // Health's request carries a service name: 4 KiB of it is over the 1 KiB cap.
        HealthCheckRequest big = HealthCheckRequest.newBuilder().setService("x".repeat(4096)).build();
        assertThatThrownBy(() -> HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).check(big))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        // The server keeps serving.
        assertThat(listTasks(ch)).hasSize(1);
      } finally {
        ch.shutdownNow();
      }
    }
  }

  @Test
  void tlsWithSelfSignedCertificate(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("openssl (needed for this test) said: %s", output).isZero();
    try (MnemoServer server = start(new TransportSecurity("127.0.0.1", null, cert, key, null, false))) {
      ManagedChannel trusted = ClientChannels.open("localhost:" + server.port(),
          new TransportSecurity(null, null, null, null, cert, false));
      ManagedChannel plain = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        assertThat(listTasks(trusted)).hasSize(1);
        assertThatThrownBy(() -> listTasks(plain)).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        trusted.shutdownNow();
        plain.shutdownNow();
      }
    }
  }

  @Test
  void metricsAreScrapedOverHttp() throws Exception {
    try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 0)) {
      metrics.registry().counter("mnemo.test.frames").increment(42);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(metrics.url())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
      assertThat(r.body()).contains("mnemo_test_frames_total 42.0").contains("jvm_memory_used_bytes");
      assertThat(metrics.url()).startsWith("http://127.0.0.1:");
    }
  }
}
