import Foundation
import HXTestSupport
import Testing

@testable import HXArguments
@testable import HXSimCLI

/// The package's root folder.
let packageRoot = PackageRoot.url

/// Every text file of the repository with its path relative to the root: build products,
/// version control, caches and binary files left out.
func repositoryTextFiles() throws -> [(path: String, text: String)] {
    let skipped: Set<String> = [
        ".build", ".git", ".swiftpm", "dist", "Packages", "__pycache__", ".venv",
        // A worktree's `.git` is a file naming the repository's folder.
    ]
    var files: [(String, String)] = []
    let root = packageRoot.standardizedFileURL.path
    guard
        let walker = FileManager.default.enumerator(
            at: packageRoot, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey])
    else { return [] }
    for case let url as URL in walker {
        let name = url.lastPathComponent
        let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
        if values.isDirectory == true {
            if skipped.contains(name) || name.hasPrefix(".build") { walker.skipDescendants() }
            continue
        }
        guard values.isRegularFile == true, !skipped.contains(name),
            let data = try? Data(contentsOf: url), !data.contains(0),
            let text = String(data: data, encoding: .utf8)
        else { continue }
        let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
        files.append((path, text))
    }
    return files
}

/// The help text of every command and subcommand of hxsim.
func allHelpTexts() throws -> [(command: String, text: String)] {
    var texts: [(String, String)] = []
    func visit(_ words: [String], _ type: any ParsableCommand.Type) throws {
        let help = try HXSimCommand.parse(words + ["--help"]).helpText ?? ""
        texts.append((words.joined(separator: " "), help))
        for sub in type.configuration.subcommands {
            try visit(words + [sub.configuration.name], sub)
        }
    }
    try visit([], HXSimCommand.self)
    return texts
}

@Suite("The repository stands on its own")
struct RepositoryTests {
    // Built from parts, so that this file does not match itself.
    static let specificationOutside = "PHYSICS" + ".md"
    static let machinePath = "/" + "work/"
    static let sharedFolder = "shared" + " folder"
    static let sibling = "../" + "shared"

    @Test("no file, doc or help text refers to a file outside the repository")
    func noOutsideReferences() throws {
        let files = try repositoryTextFiles()
        #expect(files.count > 100, "found only \(files.count) files under \(packageRoot.path)")
        var offending: [String] = []
        for (path, text) in files {
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated()
            {
                let place = "\(path):\(number + 1)"
                for word in [Self.specificationOutside, Self.machinePath, Self.sharedFolder]
                where line.contains(word) {
                    offending.append("\(place): '\(word)'")
                }
                guard line.contains(Self.sibling) else { continue }
                // A data-set search location may stay in code (`../shared/datasets`); a text
                // for readers (Markdown) says it in words instead.
                let isDocument = path.hasSuffix(".md")
                let isDataLookup = line.contains(Self.sibling + "/datasets")
                if isDocument || !isDataLookup {
                    offending.append("\(place): '\(Self.sibling)'")
                }
            }
        }
        for (command, text) in try allHelpTexts() {
            for word in [
                Self.specificationOutside, Self.machinePath, Self.sharedFolder, Self.sibling,
            ] where text.contains(word) {
                offending.append("help of '\(command)': '\(word)'")
            }
        }
        #expect(offending.isEmpty, "\(offending.joined(separator: "\n"))")
    }

    @Test("every relative link of the Markdown files names a file of the repository")
    func links() throws {
        let pattern = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        var broken: [String] = []
        for (path, text) in try repositoryTextFiles() where path.hasSuffix(".md") {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().relativePath
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                guard let linkRange = Range(match.range(at: 1), in: text) else { continue }
                let link = String(text[linkRange])
                if link.contains("://") || link.hasPrefix("#") || link.hasPrefix("mailto:") {
                    continue
                }
                let file = String(link.split(separator: "#", maxSplits: 1)[0])
                let target = packageRoot.appendingPathComponent(folder)
                    .appendingPathComponent(file).standardizedFileURL
                let inside = target.path.hasPrefix(packageRoot.standardizedFileURL.path + "/")
                if !inside || !FileManager.default.fileExists(atPath: target.path) {
                    broken.append("\(path): \(link)")
                }
            }
        }
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    @Test("every module a user may import is a library product")
    func products() throws {
        let manifest = try String(
            contentsOf: packageRoot.appendingPathComponent("Package.swift"), encoding: .utf8)
        let targets = try NSRegularExpression(pattern: #"\.target\(\s*name: "(HX\w+)""#)
        let names = targets.matches(
            in: manifest, range: NSRange(manifest.startIndex..., in: manifest)
        ).compactMap { Range($0.range(at: 1), in: manifest).map { String(manifest[$0]) } }
        #expect(names.contains("HXNumerics") && names.contains("HXSweep"))
        // HXTestSupport is a target of this package's tests, not a module for users.
        for name in names where name != "HXTestSupport" {
            #expect(
                manifest.contains(".library(name: \"\(name)\""),
                "\(name) is a target but no library product")
        }
    }
}
