import HXArguments
import HXIO

/// `hxsim sweep`: inference-accuracy sweeps, an action per subcommand. `hxsim sweep SPEC …` is
/// short for `hxsim sweep run SPEC …` (a first word that is no action and does not look like a
/// mistyped one is a specification).
struct SweepCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "sweep",
            summary:
                "inference-accuracy sweeps over physics, calibration and back ends; merge; plot",
            discussion:
                "'hxsim sweep SPEC [options]' is short for 'hxsim sweep run SPEC [options]'.",
            subcommands: [
                SweepRunCommand.self, SweepMergeCommand.self, SweepPlotCommand.self,
                SweepExampleModelCommand.self,
            ],
            defaultSubcommand: SweepRunCommand.self)
    }
}
