package dev.avalo.notifier.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.problem.Problem;

/** Every REST error is an RFC 9457 problem ({@code application/problem+json}). */
public class ProblemMapper {

    @ServerExceptionMapper({ApiException.class, ValidationException.class, DnsLabel.InvalidNameException.class,
            JsonProcessingException.class})
    public Response domain(Exception e, UriInfo uri) {
        return respond(Problems.of(e, uri.getPath()));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e, UriInfo uri) {
        return respond(Problems.of(ApiException.unauthorized("a valid bearer token is required"), uri.getPath()));
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problems.of(ApiException.forbidden("the token lacks the role this call needs"), uri.getPath()));
    }

    @ServerExceptionMapper(WebApplicationException.class)
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return respond(Problems.of(j, uri.getPath()));
        }
        String title = Response.Status.fromStatusCode(status) == null
                ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return respond(Problems.of(new ApiException(status, title, e.getMessage(), null, null), uri.getPath()));
    }

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }
}
