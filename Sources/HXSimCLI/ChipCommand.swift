import Foundation
import HXArguments
import HXIO
import HXNumerics
import HXPhysics

/// `hxsim chip`: describes a chip instance and its parameters.
struct ChipCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            name: "chip",
            summary: "describe a chip instance: geometry, operating point and every parameter")
    }

    @OptionGroup var chip: ChipOptions
    @Flag(help: "print the parameters as a JSON file for --params") var json = false

    func run(_ context: CommandContext) throws {
        let chip = try self.chip.chip()
        let p = chip.parameters
        if json {
            context.out(String(decoding: p.jsonData(), as: UTF8.self))
            return
        }
        let hemisphere = chip.configuration.hemispheres[0]
        let vector = ExecutionOptions()
        let fullVector =
            Double(ChipGeometry.signedInputsPerHemisphere * vector.waitBetweenEvents)
            * p.fpgaClockPeriod + p.fixedOverheadPerVector
        var text = """
            HICANN-X chip, seed \(chip.seed) (parameter fingerprint \(p.fingerprint))
              geometry: \(ChipGeometry.hemispheres) hemispheres, each \
            \(ChipGeometry.synapseRowsPerHemisphere) synapse rows × \
            \(ChipGeometry.columnsPerHemisphere) neuron columns, \
            \(ChipGeometry.signedInputsPerHemisphere) signed inputs (row pairs)
              largest signed VMM in one execution: \(ChipGeometry.maxSignedVMM.inputs) inputs × \
            \(ChipGeometry.maxSignedVMM.outputs) outputs; inputs \(ValueText.range(ChipGeometry.inputRange)), \
            weights \(ValueText.range(ChipGeometry.weightRange)), \
            outputs \(ValueText.range(ChipGeometry.outputRange))
              nominal cells: synapse bias \(hemisphere.synapseBias), OTA bias \
            \(hemisphere.excitatoryOTABias[0]), reset potential \(hemisphere.resetPotential[0]), \
            CADC ramp start \(hemisphere.cadcRampStart), ramp current \(hemisphere.cadcRampCurrent)
              CADC: \(Self.format(p.nominalCADCLSB * 1e3)) mV per LSB, code 0 at \
            \(Self.format(p.nominalCADCRampStart)) V
              projected time of one full vector (\(ChipGeometry.signedInputsPerHemisphere) events, wait \
            \(vector.waitBetweenEvents), \(vector.numSends) send): \
            \(Self.format(fullVector * 1e6)) µs

            """
        let table = try Table(
            header: ["parameter", "value", "unit", "group", "source"],
            rows: PhysicsParameters.descriptors.map { d in
                [
                    .text(d.name), .text("\(d.value(in: p))"), .text(d.unit),
                    .text(d.group.rawValue), .text(d.source),
                ]
            })
        text += table.markdown()
        context.out(text)
    }

    static func format(_ value: Double) -> String { String(format: "%.3g", value) }
}
