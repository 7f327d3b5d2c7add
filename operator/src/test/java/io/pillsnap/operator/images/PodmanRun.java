package io.pillsnap.operator.images;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The {@code podman run} arguments that run the container of a pod the operator or its chart makes
 * as a cluster would: the pod's user and fsGroup, read-only root, capabilities, no privilege
 * escalation, CPU and memory limits, environment, volumes, ports, termination message file, command
 * and arguments. What the cluster adds around a pod (the API server's address and the
 * ServiceAccount token) comes from {@link Host}. Whatever cannot be reproduced with podman here (a
 * GPU, a Secret, a subPath) is refused with the field named, so a check never runs a container
 * unlike its pod.
 */
final class PodmanRun {

    static final String TERMINATION_LOG = "/dev/termination-log";
    static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    /**
     * The cluster's side of a pod.
     *
     * @param volumes host folder of each volume that is not a tmpfs here: claims, ConfigMaps (their
     *     files already written) and any emptyDir a check wants to look into afterwards
     * @param terminationLog the host file mounted where the container writes its termination
     *     message
     * @param apiServer the API server a pod with a ServiceAccount token reaches; null: no cluster
     */
    record Host(
            String podName,
            String namespace,
            Map<String, Path> volumes,
            Path terminationLog,
            ApiServer apiServer) {}

    /** What kubelet gives a pod that mounts its ServiceAccount token. */
    record ApiServer(String host, int port, Path serviceAccountDir) {}

    private PodmanRun() {}

    /** The arguments after {@code podman run}: options, then the image and its arguments. */
    static List<String> arguments(PodSpec pod, Host host) {
        if (pod.getContainers().size() != 1
                || (pod.getInitContainers() != null && !pod.getInitContainers().isEmpty())) {
            throw refused(
                    "the pod has "
                            + pod.getContainers().size()
                            + " containers and init"
                            + " containers; the images check runs pods of one container");
        }
        Container container = pod.getContainers().get(0);
        List<String> args = new ArrayList<>();
        args.add("--hostname=" + host.podName());
        security(pod.getSecurityContext(), container.getSecurityContext(), args);
        limits(container, args);
        environment(container, host, args);
        volumes(pod, container, host, args);
        terminationLog(container, host, args);
        serviceAccount(pod, host, args);
        if (container.getWorkingDir() != null) {
            args.add("--workdir=" + container.getWorkingDir());
        }
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            args.add("--entrypoint=" + jsonArray(container.getCommand()));
        }
        args.add(Objects.requireNonNull(container.getImage(), "the container names no image"));
        if (container.getArgs() != null) {
            args.addAll(container.getArgs());
        }
        for (String arg : args) {
            if (arg.contains("\n")) {
                throw refused(
                        "an argument holds a line break, which one-per-line output cannot"
                                + " carry: "
                                + arg);
            }
        }
        return args;
    }

    /** The container's ports by name, as the pod declares them. */
    static Map<String, Integer> ports(PodSpec pod) {
        List<ContainerPort> ports = pod.getContainers().get(0).getPorts();
        return ports == null
                ? Map.of()
                : ports.stream()
                        .collect(
                                Collectors.toMap(
                                        ContainerPort::getName, ContainerPort::getContainerPort));
    }

    private static void security(
            PodSecurityContext pod, SecurityContext container, List<String> args) {
        PodSecurityContext podContext = pod == null ? new PodSecurityContext() : pod;
        SecurityContext own = container == null ? new SecurityContext() : container;
        Long user = first(own.getRunAsUser(), podContext.getRunAsUser());
        Long group = first(own.getRunAsGroup(), podContext.getRunAsGroup());
        Boolean nonRoot = first(own.getRunAsNonRoot(), podContext.getRunAsNonRoot());
        if (user == null) {
            throw refused(
                    "the pod sets no runAsUser: the image's USER would decide, which the"
                            + " check cannot compare with a cluster's");
        }
        if (Boolean.TRUE.equals(nonRoot) && user == 0) {
            throw refused("runAsNonRoot with runAsUser 0: kubelet would not start this pod");
        }
        args.add("--user=" + user + (group == null ? "" : ":" + group));
        if (podContext.getFsGroup() != null) {
            args.add("--group-add=" + podContext.getFsGroup());
        }
        if (Boolean.TRUE.equals(own.getReadOnlyRootFilesystem())) {
            // only the pod's volumes are writable: no tmpfs of podman's own on /tmp, /run, /var/tmp
            args.add("--read-only");
            args.add("--read-only-tmpfs=false");
        }
        if (Boolean.FALSE.equals(own.getAllowPrivilegeEscalation())) {
            args.add("--security-opt=no-new-privileges");
        }
        if (Boolean.TRUE.equals(own.getPrivileged())) {
            throw refused("a privileged container");
        }
        Capabilities capabilities = own.getCapabilities();
        if (capabilities != null) {
            nullToEmpty(capabilities.getDrop()).forEach(c -> args.add("--cap-drop=" + c));
            nullToEmpty(capabilities.getAdd()).forEach(c -> args.add("--cap-add=" + c));
        }
        var seccomp = first(own.getSeccompProfile(), podContext.getSeccompProfile());
        if (seccomp != null && !"RuntimeDefault".equals(seccomp.getType())) {
            if (!"Unconfined".equals(seccomp.getType())) {
                throw refused("seccomp profile " + seccomp.getType());
            }
            args.add("--security-opt=seccomp=unconfined");
        }
    }

    private static void limits(Container container, List<String> args) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return;
        }
        for (Map.Entry<String, Quantity> limit : container.getResources().getLimits().entrySet()) {
            BigDecimal amount = limit.getValue().getNumericalAmount();
            switch (limit.getKey()) {
                case "cpu" -> args.add("--cpus=" + amount.stripTrailingZeros().toPlainString());
                case "memory" -> args.add("--memory=" + amount.toBigInteger() + "b");
                default ->
                        throw refused(
                                "resource limit "
                                        + limit.getKey()
                                        + " (a GPU?): podman here has none; use a stage with"
                                        + " resources.gpus: 0");
            }
        }
    }

    private static void environment(Container container, Host host, List<String> args) {
        for (EnvVar variable : nullToEmpty(container.getEnv())) {
            String value;
            if (variable.getValueFrom() == null) {
                value = Objects.requireNonNullElse(variable.getValue(), "");
            } else if (variable.getValueFrom().getFieldRef() != null) {
                String field = variable.getValueFrom().getFieldRef().getFieldPath();
                value =
                        switch (field) {
                            case "metadata.name" -> host.podName();
                            case "metadata.namespace" -> host.namespace();
                            default ->
                                    throw refused(
                                            "env " + variable.getName() + " from field " + field);
                        };
            } else {
                throw refused(
                        "env "
                                + variable.getName()
                                + " from a Secret, ConfigMap or resource field");
            }
            args.add("--env=" + variable.getName() + "=" + value);
        }
    }

    private static void volumes(PodSpec pod, Container container, Host host, List<String> args) {
        for (VolumeMount mount : nullToEmpty(container.getVolumeMounts())) {
            if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
                throw refused("volume mount " + mount.getName() + " with a subPath");
            }
            Volume volume =
                    nullToEmpty(pod.getVolumes()).stream()
                            .filter(v -> v.getName().equals(mount.getName()))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            refused(
                                                    "volume mount "
                                                            + mount.getName()
                                                            + " names no volume of the pod"));
            boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
            Path folder = host.volumes().get(volume.getName());
            if (volume.getEmptyDir() != null && folder == null) {
                args.add(emptyDir(volume.getEmptyDir(), mount.getMountPath()));
            } else if (volume.getPersistentVolumeClaim() != null || volume.getEmptyDir() != null) {
                if (folder == null) {
                    throw refused(
                            "volume "
                                    + volume.getName()
                                    + " (claim "
                                    + volume.getPersistentVolumeClaim().getClaimName()
                                    + ") has no host folder: pass --volume "
                                    + volume.getName()
                                    + "=DIR");
                }
                boolean claimReadOnly =
                        volume.getPersistentVolumeClaim() != null
                                && Boolean.TRUE.equals(
                                        volume.getPersistentVolumeClaim().getReadOnly());
                args.add(bind(folder, mount.getMountPath(), readOnly || claimReadOnly));
            } else if (volume.getConfigMap() != null) {
                if (folder == null) {
                    throw refused("ConfigMap volume " + volume.getName() + " has no host folder");
                }
                // kubelet mounts ConfigMap volumes read-only whatever the mount says
                args.add(bind(folder, mount.getMountPath(), true));
            } else {
                throw refused(
                        "volume "
                                + volume.getName()
                                + " is neither an emptyDir, a claim nor a ConfigMap");
            }
        }
    }

    /** An emptyDir as tmpfs: world-writable as kubelet makes it; /dev/shm is podman's own. */
    private static String emptyDir(EmptyDirVolumeSource emptyDir, String path) {
        String size =
                emptyDir.getSizeLimit() == null
                        ? ""
                        : ",size=" + emptyDir.getSizeLimit().getNumericalAmount().toBigInteger();
        if ("/dev/shm".equals(path)) {
            return "--shm-size="
                    + (emptyDir.getSizeLimit() == null
                            ? "64m"
                            : emptyDir.getSizeLimit().getNumericalAmount().toBigInteger() + "b");
        }
        return "--tmpfs=" + path + ":rw,nosuid,nodev,mode=1777" + size;
    }

    private static void terminationLog(Container container, Host host, List<String> args) {
        String path =
                Objects.requireNonNullElse(container.getTerminationMessagePath(), TERMINATION_LOG);
        if (host.terminationLog() == null) {
            throw refused("no host file for the termination message (" + path + ")");
        }
        args.add(bind(host.terminationLog(), path, false));
    }

    private static void serviceAccount(PodSpec pod, Host host, List<String> args) {
        if (Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())
                || host.apiServer() == null) {
            return;
        }
        ApiServer server = host.apiServer();
        args.add("--env=KUBERNETES_SERVICE_HOST=" + server.host());
        args.add("--env=KUBERNETES_SERVICE_PORT=" + server.port());
        args.add(bind(server.serviceAccountDir(), SERVICE_ACCOUNT_DIR, true));
    }

    private static String bind(Path host, String container, boolean readOnly) {
        return "--volume=" + host.toAbsolutePath() + ":" + container + (readOnly ? ":ro" : "");
    }

    private static String jsonArray(List<String> values) {
        return values.stream()
                .map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @SafeVarargs
    private static <T> T first(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static IllegalArgumentException refused(String what) {
        return new IllegalArgumentException("cannot run this pod with podman: " + what);
    }
}
