import Foundation
import HXTestSupport
import Testing

@testable import HXPhysics

@Suite("The model document stays current with the code")
struct ModelDocumentTests {
    /// The rows of the parameter table in docs/MODEL.md: name → (default, unit, group, source).
    private func documentedParameters() throws -> [String: [String]] {
        let text = try String(
            contentsOf: PackageRoot.url.appendingPathComponent("docs/MODEL.md"), encoding: .utf8)
        var rows: [String: [String]] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 7 else { continue }
            rows[cells[1]] = Array(cells[2...5])
        }
        return rows
    }

    @Test("docs/MODEL.md lists every parameter with the code's default, unit, group and source")
    func parameterTable() throws {
        let documented = try documentedParameters()
        let defaults = PhysicsParameters()
        for descriptor in PhysicsParameters.descriptors {
            let row = try #require(
                documented[descriptor.name], "\(descriptor.name) is not documented")
            #expect(row[0] == "\(descriptor.value(in: defaults))", "\(descriptor.name): \(row[0])")
            #expect(row[1] == descriptor.unit, "\(descriptor.name) unit \(row[1])")
            #expect(row[2] == descriptor.group.rawValue, "\(descriptor.name) group \(row[2])")
            #expect(row[3] == descriptor.source, "\(descriptor.name) source \(row[3])")
        }
        let names = Set(PhysicsParameters.descriptors.map(\.name))
        let extra = Set(documented.keys).subtracting(names).subtracting(["parameter", "---"])
        #expect(extra.isEmpty, "documented but not in the code: \(extra.sorted())")
    }
}
