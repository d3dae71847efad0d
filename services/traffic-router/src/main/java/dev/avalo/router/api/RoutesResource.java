package dev.avalo.router.api;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.router.control.AppliedRoute;
import dev.avalo.router.control.RouteController;

/** What this router applies (admin port): read-only, the desired route of each service plus when it was put in force. */
@Path("/api/v1/routes")
@Produces(MediaType.APPLICATION_JSON)
public class RoutesResource {

    private static final String TYPE_BASE = "https://avalo.dev/problems/";

    private final RouteController controller;

    public RoutesResource(RouteController controller) {
        this.controller = controller;
    }

    /** Every route in force, by service. */
    @GET
    public List<AppliedRoute> list() {
        return controller.applied();
    }

    /** The route in force of {@code service} in {@code env}; 404 when this router has none (or serves another environment). */
    @GET
    @Path("{service}/{env}")
    public Response get(@PathParam("service") String service, @PathParam("env") String env, @Context UriInfo uri) {
        String instance = uri.getPath();
        if (!DnsLabel.isValid(service)) {
            return problem(400, "Bad Request", new DnsLabel.InvalidNameException("service", service).getMessage(),
                    instance, "service");
        }
        if (!DnsLabel.isValid(env)) {
            return problem(400, "Bad Request", new DnsLabel.InvalidNameException("environment", env).getMessage(),
                    instance, "environment");
        }
        if (!env.equals(controller.environment())) {
            return problem(404, "Not Found", "this router serves environment " + controller.environment() + ", not "
                    + env, instance, "environment");
        }
        return controller.applied(service)
                .map(route -> Response.ok(route).build())
                .orElseGet(() -> problem(404, "Not Found", "no route applied for service " + service + " in " + env,
                        instance, "service"));
    }

    private static Response problem(int status, String title, String detail, String instance, String field) {
        String type = TYPE_BASE + (status == 404 ? "not-found" : "bad-request");
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, instance, field, null, null)).build();
    }
}
