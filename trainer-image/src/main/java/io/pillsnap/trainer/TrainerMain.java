package io.pillsnap.trainer;

import io.pillsnap.trainer.cli.EngineCommand;
import io.pillsnap.trainer.cli.EvaluateCommand;
import io.pillsnap.trainer.cli.PrepareCommand;
import io.pillsnap.trainer.cli.SynthCommand;
import io.pillsnap.trainer.cli.TrainCommand;
import io.pillsnap.trainer.runtime.NativeDefaults;
import io.pillsnap.trainer.runtime.TrainerVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The trainer's command line: what a stage's Job runs, and what a person runs locally. */
@Command(
        name = "pillsnap-trainer",
        mixinStandardHelpOptions = true,
        versionProvider = TrainerMain.Version.class,
        description = {
            "Trains, evaluates and exports the PillSnap pill classifier for one stage.",
            "",
            "Exit codes: 0 done, 1 failed (retried), 2 invalid configuration, 3 invalid data,"
                    + " 143 stopped by SIGTERM after a checkpoint."
        },
        subcommands = {
            SynthCommand.class,
            PrepareCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            EngineCommand.class
        })
public final class TrainerMain {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new TrainerMain()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The version of the trainer jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pillsnap-trainer " + TrainerVersion.current()};
        }
    }
}
