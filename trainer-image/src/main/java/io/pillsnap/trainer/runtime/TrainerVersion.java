package io.pillsnap.trainer.runtime;

/** The trainer's version, from its jar's manifest; "dev" when run from classes. */
public final class TrainerVersion {

    private TrainerVersion() {}

    public static String current() {
        String version = TrainerVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
