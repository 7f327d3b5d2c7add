package io.pillsnap.api.v1alpha1;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pillsnap.api.testing.RepoFiles;

/** Stages as users write them, read into JSON trees for schema, defaults and rule tests. */
final class StageYaml {

    private StageYaml() {}

    /** Only the required fields: every other setting takes its default. */
    static ObjectNode minimal() {
        return (ObjectNode)
                RepoFiles.readYaml(
                        """
                        apiVersion: pillsnap.io/v1alpha1
                        kind: PillsnapStage
                        metadata: {name: minimal}
                        spec:
                          stage: 1
                          dataset: {format: synthetic}
                          successCriteria: [{metric: top1, threshold: 0.4}]
                        """);
    }

    static ObjectNode sample(String file) {
        return (ObjectNode) RepoFiles.readYaml(RepoFiles.config(file));
    }
}
