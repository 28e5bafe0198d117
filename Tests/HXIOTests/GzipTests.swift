import Foundation
import HXTestSupport
import Testing

@testable import HXIO

@Suite("gzip decompression")
struct GzipTests {
    // Python's gzip.compress(..., mtime=0) of "hello, world\n" and of "second member\n".
    static let hello = bytes(
        hex: "1f8b0800000000000203cb48cdc9c9d75128cf2fca49e10200537424f40d000000")
    static let second = bytes(
        hex: "1f8b08000000000002032b4e4dcecf4b51c84dcd4d4a2de2020036184b0e0e000000")

    @Test("one member decompresses to its text")
    func single() throws {
        #expect(try Gzip.decompress(Data(Self.hello)) == Data("hello, world\n".utf8))
    }

    @Test("concatenated members decompress to the concatenated texts; zero padding is ignored")
    func multiMember() throws {
        let joined = Data(Self.hello + Self.second + [0, 0, 0])
        #expect(try Gzip.decompress(joined) == Data("hello, world\nsecond member\n".utf8))
    }

    @Test("output larger than zlib's chunk comes out whole")
    func large() throws {
        // gzip.compress(b'HXSim' * 40000, mtime=0, compresslevel=9)
        let compressed = bytes(
            hex: "1f8b0800000000000203edc4210100000803b07af7182a20e86fc980dfc4d2351b499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "499224499224499224499224499224499224499224499224499224499224499224499224"
                + "4992244992244992244992244992244992244992244992244992244992244992244992f4"
                + "e900fd867942400d0300")
        let text = try Gzip.decompress(Data(compressed))
        #expect(text.count == 200_000)
        #expect(text == Data(String(repeating: "HXSim", count: 40_000).utf8))
    }

    @Test("truncated, corrupt and non-gzip input are errors of their own kind")
    func errors() {
        #expect(throws: IOError.truncatedCompressedData(source: "t.gz")) {
            try Gzip.decompress(Data(Self.hello.dropLast(10)), source: "t.gz")
        }
        var corrupt = Self.hello
        corrupt[12] ^= 0xFF
        #expect(throws: IOError.self) { try Gzip.decompress(Data(corrupt), source: "c.gz") }
        do {
            _ = try Gzip.decompress(Data(corrupt), source: "c.gz")
        } catch let error as IOError {
            guard case .corruptCompressedData("c.gz", _) = error else {
                Issue.record("expected corrupt data, got \(error)")
                return
            }
        } catch { Issue.record("unexpected \(error)") }
        var badCRC = Self.hello
        badCRC[badCRC.count - 6] ^= 0x01
        #expect(
            throws: IOError.corruptCompressedData(source: "<data>", reason: "incorrect data check")
        ) {
            try Gzip.decompress(Data(badCRC))
        }
        #expect(throws: IOError.badMagic(source: "p", expected: "1f 8b (gzip)", got: "31 2c")) {
            try Gzip.decompress(Data("1,2".utf8), source: "p")
        }
    }
}
