import Foundation
import HXNetwork

/// Prefix pairs from `"from=to,from=to"` (NULL or "" for none).
private func prefixes(_ text: UnsafePointer<CChar>?) throws -> [(String, String)] {
    guard let text else { return [] }
    let spec = try Check.string(text, "prefixes")
    return try spec.split(separator: ",", omittingEmptySubsequences: true).map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw BoundaryError.invalidArgument(
                "prefixes: '\(pair)' is not of the form hxnetwork-prefix=pytorch-prefix")
        }
        return (String(parts[0]), String(parts[1]))
    }
}

/// `hxsim_model_export_safetensors` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_model_export_safetensors")
public func hxsimModelExportSafetensors(
    _ modelPath: UnsafePointer<CChar>?, _ safetensorsPath: UnsafePointer<CChar>?,
    _ prefixMap: UnsafePointer<CChar>?
) -> Int32 {
    guarded {
        let model = try ModelFile.load(
            from: URL(fileURLWithPath: Check.string(modelPath, "model_path")))
        try StateDict.save(
            model, to: Check.string(safetensorsPath, "safetensors_path"),
            prefixes: prefixes(prefixMap))
    }
}

/// `hxsim_model_import_safetensors` of `include/hxsim.h`, where it is documented.
@_cdecl("hxsim_model_import_safetensors")
public func hxsimModelImportSafetensors(
    _ modelPath: UnsafePointer<CChar>?, _ safetensorsPath: UnsafePointer<CChar>?,
    _ prefixMap: UnsafePointer<CChar>?, _ outputModelPath: UnsafePointer<CChar>?
) -> Int32 {
    guarded {
        var model = try ModelFile.load(
            from: URL(fileURLWithPath: Check.string(modelPath, "model_path")))
        let output = try Check.string(outputModelPath, "output_model_path")
        try StateDict.load(
            from: Check.string(safetensorsPath, "safetensors_path"), into: &model,
            prefixes: prefixes(prefixMap))
        try ModelFile.save(model, to: URL(fileURLWithPath: output))
    }
}
