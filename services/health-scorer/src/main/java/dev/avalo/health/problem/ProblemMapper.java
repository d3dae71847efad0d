package dev.avalo.health.problem;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import dev.avalo.contracts.DnsLabel;
import dev.avalo.contracts.problem.Problem;
import dev.avalo.health.rule.InvalidRuleException;
import dev.avalo.health.source.InvalidSampleException;

/** Every REST error is an RFC 9457 problem ({@code application/problem+json}) naming the offending field. */
public class ProblemMapper {

    private static final String TYPE_BASE = "https://avalo.dev/problems/";

    @ServerExceptionMapper(ApiException.class)
    public Response api(ApiException e, UriInfo uri) {
        return respond(new Problem(type(e.status()), e.title(), e.status(), e.getMessage(), uri.getPath(), e.field(), null,
                null));
    }

    @ServerExceptionMapper(InvalidSampleException.class)
    public Response sample(InvalidSampleException e, UriInfo uri) {
        return badRequest(e.getMessage(), e.field(), uri);
    }

    @ServerExceptionMapper(DnsLabel.InvalidNameException.class)
    public Response name(DnsLabel.InvalidNameException e, UriInfo uri) {
        return badRequest(e.getMessage(), e.field(), uri);
    }

    @ServerExceptionMapper(InvalidRuleException.class)
    public Response rules(InvalidRuleException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.errors().stream().map(f -> new Problem.FieldError(f.field(), f.message()))
                .toList();
        return respond(new Problem(type(400), "Bad Request", 400, e.getMessage(), uri.getPath(),
                errors.isEmpty() ? null : errors.get(0).field(), errors, null));
    }

    @ServerExceptionMapper(JsonProcessingException.class)
    public Response json(JsonProcessingException e, UriInfo uri) {
        return badRequest("malformed JSON: " + e.getOriginalMessage(), fieldOf(e), uri);
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(Exception e, UriInfo uri) {
        return respond(new Problem(type(401), "Unauthorized", 401, "a valid bearer token is required", uri.getPath(), null,
                null, null));
    }

    @ServerExceptionMapper(ForbiddenException.class)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(new Problem(type(403), "Forbidden", 403, "the token lacks the role this call needs",
                uri.getPath(), null, null, null));
    }

    @ServerExceptionMapper(WebApplicationException.class)
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return json(j, uri);
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return respond(new Problem(type(status), known == null ? "Error" : known.getReasonPhrase(), status,
                e.getMessage(), uri.getPath(), null, null, null));
    }

    @ServerExceptionMapper(IllegalArgumentException.class)
    public Response illegal(IllegalArgumentException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException j) {
            return json(j, uri);
        }
        Log.warnf("bad request at %s: %s", uri.getPath(), e.getMessage());
        return badRequest(e.getMessage(), null, uri);
    }

    private static Response badRequest(String detail, String field, UriInfo uri) {
        return respond(new Problem(type(400), "Bad Request", 400, detail, uri.getPath(), field, null, null));
    }

    static Response respond(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    private static String fieldOf(JsonProcessingException j) {
        if (j instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (var ref : m.getPath()) {
                if (ref.getFieldName() != null) {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    sb.append('[').append(ref.getIndex()).append(']');
                }
            }
            return sb.toString();
        }
        if (j instanceof InvalidFormatException f) {
            return f.getPathReference();
        }
        return null;
    }

    private static String type(int status) {
        return switch (status) {
            case 400 -> TYPE_BASE + "bad-request";
            case 401 -> TYPE_BASE + "unauthorized";
            case 403 -> TYPE_BASE + "forbidden";
            case 404 -> TYPE_BASE + "not-found";
            default -> "about:blank";
        };
    }
}
