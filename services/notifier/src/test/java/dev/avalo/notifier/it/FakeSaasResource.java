package dev.avalo.notifier.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The outside world of the notifier, faked at its boundary: one WireMock server standing for Slack's incoming webhooks and
 * PagerDuty's Events API v2, and a GreenMail SMTP server for the engineering leads' mailbox. Each secret is a distinctive
 * string so that a test can prove it never leaks.
 */
public class FakeSaasResource implements QuarkusTestResourceLifecycleManager {

    public static final String SLACK_DEPLOYMENTS_PATH = "/services/T0AVALO/B0DEPLOY/xoxSecretDeployments42";
    public static final String SLACK_ALERTS_PATH = "/services/T0AVALO/B0ALERTS/xoxSecretAlerts42";
    public static final String PAGERDUTY_PATH = "/v2/enqueue";
    public static final String ROUTING_KEY = "R0UT1NGKEYsecret0000000000000042";
    public static final String WEBHOOK_SECRET = "pdWebhookSigningSecret42";
    public static final String SMTP_PASSWORD = "smtpPassw0rdSecret42";
    public static final String LEADS = "leads@avalo.test,cto@avalo.test";

    static WireMockServer wiremock;
    static GreenMail greenMail;

    public static WireMockServer wiremock() {
        return wiremock;
    }

    public static GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public Map<String, String> start() {
        wiremock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        greenMail.setUser("avalo", SMTP_PASSWORD);
        String base = "http://127.0.0.1:" + wiremock.port();
        return Map.ofEntries(
                Map.entry("avalo.notifier.slack.channels.deployments.webhook-url", base + SLACK_DEPLOYMENTS_PATH),
                Map.entry("avalo.notifier.slack.channels.alerts.webhook-url", base + SLACK_ALERTS_PATH),
                Map.entry("avalo.notifier.pagerduty.routing-key", ROUTING_KEY),
                Map.entry("avalo.notifier.pagerduty.events-url", base + PAGERDUTY_PATH),
                Map.entry("avalo.notifier.pagerduty.webhook-secret", WEBHOOK_SECRET),
                Map.entry("avalo.notifier.email.to", LEADS),
                Map.entry("quarkus.mailer.host", "127.0.0.1"),
                Map.entry("quarkus.mailer.port", String.valueOf(greenMail.getSmtp().getPort())),
                Map.entry("quarkus.mailer.username", "avalo"),
                Map.entry("quarkus.mailer.password", SMTP_PASSWORD),
                Map.entry("quarkus.mailer.auth-methods", "PLAIN LOGIN"),
                Map.entry("quarkus.mailer.start-tls", "DISABLED"),
                Map.entry("avalo.notifier.links.deployment", "https://avalo.test/deployments/{id}"),
                // the rate limits are exercised by DispatcherTest on channels of its own
                Map.entry("avalo.notifier.channels.slack-deployments.rate-limit", "none"),
                Map.entry("avalo.notifier.channels.slack-alerts.rate-limit", "none"),
                Map.entry("avalo.notifier.channels.email.rate-limit", "none"));
    }

    @Override
    public void stop() {
        if (wiremock != null) {
            wiremock.stop();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
