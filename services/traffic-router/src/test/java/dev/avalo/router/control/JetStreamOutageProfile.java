package dev.avalo.router.control;

/** As {@link FailStaticProfile}, but its own app and nats-server, so the routes in force are this test's alone. */
public class JetStreamOutageProfile extends FailStaticProfile {
}
