package dev.avalo.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code avalo token ROLE [NAME]}: a local bearer token, exactly as {@code scripts/token.sh} makes it. */
@Command(name = "token", description = {
        "Print a bearer token for the local setup, as scripts/token.sh does: RS256 signed with .avalo/keys/private.pem "
                + "(found in the working directory or above), issuer avalo-local, cumulative groups, 12 hours "
                + "(AVALO_TOKEN_TTL_SECONDS).",
        "The key pair is not created here: scripts/token.sh (or the demo) creates it on first use."})
class TokenCommand extends Base {

    @Parameters(index = "0", paramLabel = "ROLE", description = "viewer, deployer, approver or admin.")
    String role;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "sub and upn (default: the role).")
    String name;

    @Override
    public Integer call() {
        if (!LocalToken.ROLES.contains(role)) {
            throw usage("unknown role '" + role + "' (expected viewer, deployer, approver or admin)");
        }
        if (name != null && name.isEmpty()) {
            throw usage("NAME must not be empty");
        }
        out().println(LocalToken.sign(ctx(), role, name == null ? role : name));
        out().flush();
        return ExitCodes.OK;
    }
}
