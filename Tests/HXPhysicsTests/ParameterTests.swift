import Foundation
import Testing

@testable import HXPhysics

@Suite("Physics parameters")
struct ParameterTests {
    @Test("the defaults of PHYSICS.md validate and carry their documented values")
    func defaults() throws {
        let p = PhysicsParameters()
        try p.validate()
        #expect(p.synapticTimeConstant == 0.32e-6)  // calix target
        #expect(p.membraneCapacitance == 2.2e-12)  // haldls
        #expect(p.fpgaClockPeriod == 8e-9)  // 125 MHz
        #expect(p.readNoise == 1.2)  // calix target
        // The CADC maps 0.30 V to 20 and 0.95 V to 220: 3.25 mV per LSB.
        #expect(abs(p.nominalCADCLSB - 0.00325) < 1e-12)
    }

    @Test("every descriptor names a distinct parameter that reads back what was set")
    func descriptorsRoundTrip() throws {
        let names = PhysicsParameters.descriptors.map(\.name)
        #expect(Set(names).count == names.count)
        var p = PhysicsParameters()
        for descriptor in PhysicsParameters.descriptors {
            switch descriptor.value(in: p) {
            case .real:
                let value =
                    descriptor.allowed.lowerBound + 0.5
                    * (descriptor.allowed.upperBound - descriptor.allowed.lowerBound)
                try p.set(descriptor.name, to: .real(value))
                #expect(try p.value(of: descriptor.name) == .real(value))
            case .flag(let on):
                try p.set(descriptor.name, to: .flag(!on))
                #expect(try p.value(of: descriptor.name) == .flag(!on))
            }
        }
    }

    @Test("JSON round trip is exact and byte-stable")
    func jsonRoundTrip() throws {
        var p = PhysicsParameters()
        p.membraneCapacitance = 2.123456789012345e-12
        p.otaSaturates = false
        let data = p.jsonData()
        let back = try PhysicsParameters(json: data)
        #expect(back == p)
        #expect(back.jsonData() == data)
        #expect(back.fingerprint == p.fingerprint)
        p.readNoise = 1.3
        #expect(p.fingerprint != back.fingerprint)
    }

    @Test("a partial file keeps the defaults for what it does not name")
    func partialFile() throws {
        let json =
            #"{"format": "hxsim-physics-parameters", "version": 1, "#
            + #""parameters": {"readNoise": 0.5, "otaSaturates": false}}"#
        let p = try PhysicsParameters(json: Data(json.utf8))
        var expected = PhysicsParameters()
        expected.readNoise = 0.5
        expected.otaSaturates = false
        #expect(p == expected)
    }

    @Test("bad files give errors that name the problem")
    func badFiles() {
        func load(_ text: String) -> PhysicsError? {
            // Every case but the foreign format is a parameter file of this format.
            let tagged =
                text.hasPrefix(#"{"format""#)
                ? text
                : #"{"format": "hxsim-physics-parameters", "version": 1, "# + text.dropFirst()
            do {
                _ = try PhysicsParameters(json: Data(tagged.utf8), source: "p.json")
                return nil
            } catch let error as PhysicsError {
                return error
            } catch {
                return nil
            }
        }
        #expect(
            load(#"{"parameters": {"membraneCapacitance": -1e-12}}"#)
                == .parameterOutOfRange(
                    name: "membraneCapacitance", value: -1e-12, allowed: 1e-14...1e-9))
        #expect(
            load(#"{"parameters": {"membraneCapacitence": 2e-12}}"#)
                == .unknownParameter(name: "membraneCapacitence", suggestion: "membraneCapacitance")
        )
        // JSON has no NaN literal; a string in its place is a type error.
        if case .malformedParameterFile(_, let reason)? = load(
            #"{"parameters": {"readNoise": "NaN"}}"#)
        {
            #expect(reason.contains("readNoise"))
        } else {
            Issue.record("a string value was accepted")
        }
        if case .malformedParameterFile? = load(#"{"parameters": {"readNoise": 1.2"#) {
        } else {
            Issue.record("truncated JSON was accepted")
        }
        if case .malformedParameterFile(_, let reason)? = load(
            #"{"format": "other", "parameters": {}}"#)
        {
            #expect(reason.contains("format"))
        } else {
            Issue.record("a foreign format was accepted")
        }
        if case .inconsistentParameters? = load(
            #"{"parameters": {"outputLowerLimit": 0.9, "outputUpperLimit": 0.95}}"#)
        {
        } else {
            Issue.record("crossed output limits were accepted")
        }
    }

    @Test("setting NaN or a value out of range is refused and leaves the value unchanged")
    func setChecksRange() {
        var p = PhysicsParameters()
        #expect(throws: PhysicsError.self) { try p.set("readNoise", to: .real(.nan)) }
        #expect(throws: PhysicsError.self) { try p.set("synapticCapacitance", to: .real(0)) }
        #expect(p.readNoise == 1.2)
    }

    @Test("a chip refuses invalid parameters")
    func chipValidates() {
        var p = PhysicsParameters()
        p.membraneCapacitance = -1
        #expect(throws: PhysicsError.self) { try Chip(seed: 1, parameters: p) }
    }
}
