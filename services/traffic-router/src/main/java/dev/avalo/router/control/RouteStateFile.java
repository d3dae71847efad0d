package dev.avalo.router.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.avalo.contracts.Json;
import dev.avalo.contracts.route.DesiredRoute;

/**
 * The last applied routes on local disk ({@code avalo.router.state-file}), a JSON array of desired routes, so that a restart
 * during a NATS outage still serves them. Writes go to a temporary file in the same directory that is then moved over the old
 * one atomically: a crash leaves the old file or the new one, never half of one.
 */
public final class RouteStateFile {

    /** What {@link #load()} found: the routes that could be read, and a sentence per entry that could not. */
    public record Loaded(List<DesiredRoute> routes, List<String> problems) {
    }

    private final Path path;

    public RouteStateFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    public Path path() {
        return path;
    }

    /**
     * Reads the file; a missing file is no routes. An unreadable entry is skipped and reported in {@link Loaded#problems()}.
     *
     * @throws IllegalArgumentException
     *             when the file is not a JSON array
     * @throws UncheckedIOException
     *             when it cannot be read
     */
    public Loaded load() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new Loaded(List.of(), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + " is not JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isArray()) {
            throw new IllegalArgumentException(path + " is not a JSON array of routes");
        }
        List<DesiredRoute> routes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            try {
                routes.add(Json.mapper().treeToValue(tree.get(i), DesiredRoute.class));
            } catch (IOException | IllegalArgumentException e) {
                problems.add("entry " + i + " is not a route: " + e.getMessage());
            }
        }
        return new Loaded(routes, problems);
    }

    /** Replaces the file with {@code routes}, atomically. */
    public synchronized void save(List<DesiredRoute> routes) {
        try {
            Path dir = path.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(routes));
                try {
                    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }
}
