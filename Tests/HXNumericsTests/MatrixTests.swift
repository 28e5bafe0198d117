import Testing

@testable import HXNumerics

@Suite("Matrix")
struct MatrixTests {
    @Test("storage is row-major and the transpose swaps indices")
    func rowMajorAndTranspose() throws {
        let m = try Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3])
        #expect(m[1, 0] == 4)
        #expect(m.storage == [1, 2, 3, 4, 5, 6])
        let t = m.transposed()
        #expect(t.shape == [3, 2])
        #expect(t[2, 1] == 6)
        #expect(t.transposed() == m)
    }

    @Test("ragged rows and wrong storage sizes are errors, not traps")
    func badShapes() {
        #expect(throws: NumericsError.raggedRows(row: 1, expected: 2, got: 1)) {
            try Matrix([[1, 2], [3]])
        }
        #expect(throws: NumericsError.shapeMismatch(expected: [2, 2], got: [3])) {
            try Matrix(rows: 2, columns: 2, storage: [1, 2, 3])
        }
    }

    @Test("a slice holds exactly the requested block")
    func slice() throws {
        let m = try Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        #expect(m.slice(rows: 1..<3, columns: 0..<2) == (try Matrix([[4, 5], [7, 8]])))
    }
}
