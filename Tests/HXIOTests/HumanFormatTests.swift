import Testing

@testable import HXIO

@Suite("Numbers as people read them")
struct HumanFormatTests {
    @Test("durations take the unit that keeps three significant digits")
    func seconds() {
        #expect(HumanFormat.seconds(4.1e-3) == "4.10 ms")
        #expect(HumanFormat.seconds(3.677e-5) == "36.8 µs")
        #expect(HumanFormat.seconds(2.3456) == "2.35 s")
        #expect(HumanFormat.seconds(0.9996) == "1.00 s")
        #expect(HumanFormat.seconds(185) == "3 min 05 s")
        #expect(HumanFormat.seconds(7300) == "2 h 01 min")
        #expect(HumanFormat.seconds(0) == "0 ns")
    }

    @Test("significant digits without the shortest round-trip form of a double")
    func significant() {
        #expect(HumanFormat.significant(0.806 * 100, digits: 3) == "80.6")
        #expect(HumanFormat.significant(0.0019337, digits: 3) == "0.00193")
        #expect(HumanFormat.significant(9.996, digits: 3) == "10.0")
        #expect(HumanFormat.significant(123_456, digits: 3) == "123456")
    }

    @Test("counts with thousands separators, fractions as percentages")
    func counts() {
        #expect(HumanFormat.count(200_000) == "200,000")
        #expect(HumanFormat.count(-1_234_567) == "-1,234,567")
        #expect(HumanFormat.count(12) == "12")
        #expect(HumanFormat.percent(0.8060000000000001) == "80.6 %")
        #expect(HumanFormat.percent(0.5, decimals: 2) == "50.00 %")
    }
}
