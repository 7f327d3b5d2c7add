package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The hardening of every pod the operator makes (trainer, result reader, inference): non-root,
 * read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp.
 * Stage authors cannot change it. Volumes belong to the fsGroup, changed only when their root does
 * not already belong to it: the artifacts volume grows with every run, and a recursive chown at
 * each pod's start would take longer and longer.
 */
final class PodSecurity {

    static final long RUN_AS = 1000L;

    private PodSecurity() {}

    static PodSecurityContext pod() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS)
                .withRunAsGroup(RUN_AS)
                .withFsGroup(RUN_AS)
                .withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    static SecurityContext container() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .addToDrop("ALL")
                .endCapabilities()
                .build();
    }
}
