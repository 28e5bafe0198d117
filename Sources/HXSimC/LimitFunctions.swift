import HXIO
import HXNetwork
import HXPhysics

/// The limits `hxsim_limit` reports, by name: the chip's ranges (HXPhysics ``ChipGeometry``)
/// and the bounds the library puts on a caller's request. A binding (the Python package) asks
/// for them instead of restating them, so a limit changed here changes for every language.
/// The names of the chip's ranges are hxtorch's (`hxtorch.perceptron.constants`).
let limits: KeyValuePairs<String, Int> = [
    "synaptic_weight_min": ChipGeometry.weightRange.lowerBound,
    "synaptic_weight_max": ChipGeometry.weightRange.upperBound,
    "input_activation_min": ChipGeometry.inputRange.lowerBound,
    "input_activation_max": ChipGeometry.inputRange.upperBound,
    "output_activation_min": ChipGeometry.outputRange.lowerBound,
    "output_activation_max": ChipGeometry.outputRange.upperBound,
    "hardware_matrix_height": ChipGeometry.signedInputsPerHemisphere,
    "hardware_matrix_width": ChipGeometry.columnsPerHemisphere,
    "num_sends_min": ChipGeometry.numSendsRange.lowerBound,
    "num_sends_max": ChipGeometry.numSendsRange.upperBound,
    "wait_between_events_min": ChipGeometry.waitBetweenEventsRange.lowerBound,
    "wait_between_events_max": ChipGeometry.waitBetweenEventsRange.upperBound,
    "wait_between_events_default": ChipGeometry.defaultWaitBetweenEvents,
    "max_chips": PhysicsExecutor.chipCountRange.upperBound,
    "parameter_file_bytes": ReadLimits.document.maxFileBytes,
    "tensor_elements_max": TensorLimits.maxElements,
]

/// `hxsim_limit` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_limit")
public func hxsimLimit(
    _ name: UnsafePointer<CChar>?, _ value: UnsafeMutablePointer<Int64>?
)
    -> Int32
{
    guarded {
        let out = try Check.output(value, "value")
        let key = try Check.string(name, "name")
        guard let found = limits.first(where: { $0.key == key }) else {
            throw BoundaryError.invalidArgument(
                "name '\(printableText(key))' is not a limit; the limits are "
                    + limits.map(\.key).joined(separator: ", "))
        }
        out.pointee = Int64(found.value)
    }
}
