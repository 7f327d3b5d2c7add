package io.pillsnap.operator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * What stands in for the API server in front of Fabric8's CRUD mock: every request passes through
 * its guards (RBAC of the operator's ServiceAccount, injected faults) before the mock stores
 * anything. It also serves what the mock lacks: the field selectors of Events, which the mock
 * cannot evaluate, are dropped (the operator filters the Events it is sent itself, as it must
 * anyway).
 */
public final class ApiServer extends Dispatcher {

    /** Looks at a request before the mock does; a response ends it there. */
    public interface Guard {
        /**
         * @return a response that ends the request, or null to let it through
         */
        MockResponse before(ApiRequest request);

        /** Sees what the mock answered; may replace the answer (the request was carried out). */
        default MockResponse after(ApiRequest request, MockResponse response) {
            return response;
        }
    }

    private static final Pattern EVENTS = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?events.*");

    private final KubernetesMixedDispatcher mock;
    private final List<Guard> guards = new CopyOnWriteArrayList<>();

    public ApiServer(Map<ServerRequest, Queue<ServerResponse>> responses) {
        this.mock = new KubernetesMixedDispatcher(responses);
    }

    public void guard(Guard guard) {
        guards.add(guard);
    }

    public void unguard(Guard guard) {
        guards.remove(guard);
    }

    @Override
    public MockResponse dispatch(RecordedRequest recorded) {
        ApiRequest request = ApiRequest.of(recorded);
        for (Guard guard : guards) {
            MockResponse refused = guard.before(request);
            if (refused != null) {
                return refused;
            }
        }
        MockResponse response = mock.dispatch(withoutEventFieldSelector(recorded));
        for (Guard guard : guards) {
            response = guard.after(request, response);
        }
        return response;
    }

    /** The object a request is about, as stored now; null when there is none. */
    public JsonNode stored(ApiRequest request) {
        if (request.name() == null) {
            return null;
        }
        MockResponse response =
                mock.dispatch(
                        new RecordedRequest(
                                "HTTP/1.1",
                                HttpMethod.GET,
                                request.objectPath(),
                                Headers.builder().build(),
                                new Buffer()));
        if (response.code() != 200 || response.getBody() == null) {
            return null;
        }
        try {
            return Serialization.jsonMapper()
                    .readTree(new String(response.getBody().getBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return null;
        }
    }

    private static RecordedRequest withoutEventFieldSelector(RecordedRequest request) {
        String path = request.getPath();
        if (path == null || !EVENTS.matcher(path).matches() || !path.contains("fieldSelector=")) {
            return request;
        }
        String stripped =
                path.replaceAll("([?&])fieldSelector=[^&]*&?", "$1").replaceAll("[?&]$", "");
        return new RecordedRequest(
                request.getHttpVersion(),
                request.method(),
                stripped,
                request.getHeaders(),
                request.getBody());
    }
}
