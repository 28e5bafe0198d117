/// The path of `name` in Tests/Fixtures: files written by PyTorch's safetensors and the other
/// reference tools (python/tests/make_fixtures.py), and the golden codes of
/// scripts/make-golden-codes.sh.
public func fixture(_ name: String) -> String {
    PackageRoot.path("Tests/Fixtures/\(name)")
}
