import Foundation
import HXArguments
import HXIO
import HXNetwork
import HXSweep

/// `hxsim sweep example-model FILE`: trains the example Yin-Yang model a sweep can run.
struct SweepExampleModelCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "example-model",
            summary: "train the example Yin-Yang model (software back end) and save it")
    }

    @Argument(name: "FILE", help: "the model file to write") var file: String
    @Option(help: "training epochs", in: 1...10_000) var epochs = ExampleModels.defaultEpochs

    func run(_ context: CommandContext) throws {
        // The output first: the model is not trained for a file that cannot be written.
        let path = try absolutePath(file, option: "FILE")
        _ = try OutputTarget.file(path, operand: "FILE", allowsStandardOutput: false)
        let trained = try ExampleModels.yinYang(epochs: epochs) { summary in
            context.err("example-model: \(summary)\n")
        }
        try ModelFile.save(trained.model, to: URL(fileURLWithPath: path))
        let accuracies = String(
            format: "training accuracy %.1f %%, test accuracy %.1f %%",
            100 * trained.trainAccuracy, 100 * trained.testAccuracy)
        context.out("Yin-Yang model: \(accuracies) (software back end); saved to \(path)\n")
    }
}
