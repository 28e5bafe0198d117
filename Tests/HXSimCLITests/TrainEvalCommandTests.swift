import Foundation
import HXNetwork
import HXTestSupport
import Testing

@testable import HXSimCLI

@Suite("hxsim train and hxsim eval")
struct TrainEvalCommandTests {
    @Test("train: an unknown task is a one-line error listing the known tasks")
    func unknownTask() {
        let result = hxsim(["train", "mnsit"])
        #expect(result.status != 0)
        #expect(
            result.err.contains("mnist") && result.err.contains("basicmotions"), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
    }

    @Test("train: a missing data folder names where it looked, --data and HXSIM_DATASETS")
    func missingData() {
        let result = hxsim(["train", "digits", "--data", "/nonexistent/hxsim-data", "--quiet"])
        #expect(result.status == 1)
        #expect(result.err.contains("/nonexistent/hxsim-data/digits"), "\(result.err)")
        #expect(result.err.contains("--data") && result.err.contains("HXSIM_DATASETS"))
    }

    @Test("train --help lists every task and each task's defaults")
    func help() {
        let result = hxsim(["train", "--help"])
        #expect(result.status == 0)
        for text in [
            "yinyang", "fashion-mnist", "uci-har", "mnist 15", "--mock-gain", "--chip-seeds",
        ] {
            #expect(result.out.contains(text), "\(text) missing from help")
        }
    }

    @Test("--chip-seeds reads comma-separated integers ≥ 0 and says so for anything else")
    func chipSeedList() {
        for bad in ["-1", "1,,2", "x", "1;2"] {
            let result = hxsim(["train", "digits", "--chip-seeds", bad])
            #expect(result.status == 2, "\(bad)")
            #expect(
                result.err
                    == "hxsim: --chip-seeds expects comma-separated integers ≥ 0, got '\(bad)'\n",
                "\(result.err)")
        }
        #expect(SeedList(argument: "3, 1,2")?.seeds == [3, 1, 2])
    }

    @Test("eval and budget: a model that does not fit the task is refused naming the model file")
    func modelDoesNotFit() throws {
        let directory = try temporaryDirectory()
        let model = directory + "/five.json"
        try ModelFile.save(
            Sequential(try Linear(inFeatures: 4, outFeatures: 5, seed: 1)),
            to: URL(fileURLWithPath: model))
        for command in [
            ["eval", model, "--task", "yinyang", "--backend", "software", "--limit", "8"],
            ["budget", model, "--task", "yinyang", "--chip-seeds", "1"],
        ] {
            let result = hxsim(command + ["--quiet"])
            #expect(result.status == 1, "\(command)")
            #expect(
                result.err.hasPrefix(
                    "hxsim: model file \(model): the model does not fit task 'yinyang': "),
                "\(result.err)")
            #expect(result.err.filter { $0 == "\n" }.count == 1, "\(result.err)")
        }
    }

    @Test("eval: an output other than .npy or .csv is refused before the model is read")
    func evalBadOutput() throws {
        let directory = try temporaryDirectory()
        let model = directory + "/m.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: model))
        let result = hxsim([
            "eval", model, "--task", "yinyang", "--out", directory + "/p.txt",
        ])
        #expect(result.status == 1)
        #expect(result.err.contains("p.txt") && result.err.contains(".npy"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/p.txt"))
    }
}
