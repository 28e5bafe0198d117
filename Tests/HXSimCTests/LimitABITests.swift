import HXIO
import HXNetwork
import HXPhysics
import Testing

@testable import HXSimC

@Suite("C ABI: limits")
struct LimitABITests {
    /// The value of `hxsim_limit(name)`, or nil with the status's message recorded.
    func limit(_ name: String) -> Int64? {
        var value: Int64 = 0
        let status = name.withCString { hxsimLimit($0, &value) }
        return status == 0 ? value : nil
    }

    @Test("every limit is the Swift library's constant, with hxtorch's values for the chip")
    func values() {
        // hxtorch.perceptron.constants publishes the chip's ranges under these names.
        let published: [(String, Int64)] = [
            ("synaptic_weight_min", -63), ("synaptic_weight_max", 63),
            ("input_activation_min", 0), ("input_activation_max", 31),
            ("output_activation_min", -128), ("output_activation_max", 127),
            ("hardware_matrix_height", 128), ("hardware_matrix_width", 256),
        ]
        for (name, value) in published { #expect(limit(name) == value, "\(name)") }
        #expect(limit("num_sends_min") == Int64(ChipGeometry.numSendsRange.lowerBound))
        #expect(limit("num_sends_max") == 255)
        #expect(limit("wait_between_events_min") == 1)
        #expect(limit("wait_between_events_max") == 1023)
        #expect(limit("wait_between_events_default") == 5)
        #expect(limit("max_chips") == Int64(PhysicsExecutor.chipCountRange.upperBound))
        #expect(limit("parameter_file_bytes") == Int64(ReadLimits.document.maxFileBytes))
        #expect(limit("tensor_elements_max") == 1 << 28)
        // The table and the header's list have the same names, each once.
        #expect(Set(limits.map(\.key)).count == limits.count)
        #expect(limits.count == 16)
    }

    @Test("an unknown name or a NULL pointer is refused with a message naming it")
    func refusals() {
        #expect(limit("max_chip") == nil)
        #expect(lastError().hasPrefix("name 'max_chip' is not a limit; the limits are "))
        #expect(lastError().contains("parameter_file_bytes"))
        #expect(limit("tab\there") == nil)
        #expect(lastError().contains("'tab\\u{9}here'"))
        #expect(hxsimLimit(nil, nil) == 1)
        #expect(lastError() == "value is NULL")
        var value: Int64 = 0
        #expect(hxsimLimit(nil, &value) == 1)
        #expect(lastError() == "name is NULL")
    }

    @Test("a physics context of more chips than max_chips is refused before it is built")
    func chipCount() throws {
        let chip = try makeChip(seed: 1)
        defer { _ = hxsimChipFree(chip) }
        let handles = [UInt64](repeating: chip, count: 65)
        var context: UInt64 = 0
        #expect(hxsimContextCreate(2, 1, handles, 65, 0, 0, 0, &context) == 1)
        #expect(lastError() == "chip_count is 65, expected 1…64")
        // One range whatever the count (review: 0 and 2⁴⁰ named 1…16777216).
        for count: Int64 in [0, -1, 1 << 40] {
            #expect(hxsimContextCreate(2, 1, handles, count, 0, 0, 0, &context) == 1)
            #expect(lastError() == "chip_count is \(count), expected 1…64")
        }
        #expect(hxsimContextCreate(2, 1, handles, 2, 0, 0, 0, &context) == 0)
        #expect(hxsimContextFree(context) == 0)
    }
}
