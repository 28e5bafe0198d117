import Foundation
import HXNumerics

/// The right-hand side of one hemisphere's ODE system (docs/SPECIFICATION.md §2.4–2.5) for the columns of
/// a written block. The state is [V_syn,exc (n) | V_syn,inh (n) | V_m (n)], in volts:
///
///     dV_exc/dt = −V_exc/τ_syn + I_line,exc(t)/C_syn
///     dV_inh/dt = −V_inh/τ_syn + I_line,inh(t)/C_syn
///     C_m dV_m/dt = I_ota,exc · f(V_hi − V_m) − I_ota,inh · f(V_m − V_lo)
///                   − g_L (V_m − V_reset) + I_drift
///
/// with I_ota = I_gm tanh(V_syn/V_lin) (or g_m V_syn when the OTA is linear) and f the triode
/// roll-off of the OTA output stage near its limits.
///
/// Owns its buffers (freed in `deinit`) so that the hot loop touches no Swift arrays.
final class MembraneSystem {
    let columns: Int
    let rows: Int
    private let inverseTau: Double
    private let inverseSynapticCapacitance: Double
    private let inverseLinearRange: Double
    private let saturates: Bool
    private let compliance: Bool
    private let complianceWidth: Double
    /// Per column: 0 exc. saturation, 1 inh. saturation, 2 exc. g_m, 3 inh. g_m, 4 1/C_m,
    /// 5 leak rate, 6 reset, 7 lower limit, 8 upper limit, 9 drift current (set per sample).
    private let table: UnsafeMutablePointer<Double>
    private let lineCurrents: UnsafeMutablePointer<Double>
    /// The row whose pulse is on, or −1.
    var activeRow = -1

    init(block: ProgrammedBlock, circuit c: HemisphereCircuit, parameters p: PhysicsParameters) {
        let n = block.columns
        columns = n
        rows = block.rows
        inverseTau = 1 / c.synapticTimeConstant
        inverseSynapticCapacitance = 1 / c.synapticCapacitance
        inverseLinearRange = 1 / c.otaLinearRange
        saturates = p.otaSaturates
        compliance = p.membraneCompliance
        complianceWidth = p.complianceWidth
        table = .allocate(capacity: 10 * n)
        for j in 0..<n {
            table[j] = c.excitatorySaturation[j]
            table[n + j] = c.inhibitorySaturation[j]
            table[2 * n + j] = c.excitatoryTransconductance[j]
            table[3 * n + j] = c.inhibitoryTransconductance[j]
            table[4 * n + j] = 1 / c.membraneCapacitance[j]
            table[5 * n + j] = c.leakRate[j]
            table[6 * n + j] = c.resetPotential[j]
            table[7 * n + j] = c.lowerLimit[j]
            table[8 * n + j] = c.upperLimit[j]
            table[9 * n + j] = c.driftCurrent[j]
        }
        // Per row: excitatory currents of all columns, then inhibitory ones.
        lineCurrents = .allocate(capacity: max(1, 2 * rows * n))
        for row in 0..<rows {
            for j in 0..<n {
                lineCurrents[2 * row * n + j] = block.excitatoryCurrent[row * n + j]
                lineCurrents[(2 * row + 1) * n + j] = block.inhibitoryCurrent[row * n + j]
            }
        }
    }

    deinit {
        table.deallocate()
        lineCurrents.deallocate()
    }

    /// Sets the drift current of each column for the next sample, in amperes.
    func setDrift(_ drift: [Double]) {
        for j in 0..<columns { table[9 * columns + j] = drift[j] }
    }

    /// The state at reset: lines discharged, membranes at their reset potentials.
    func resetState() -> [Double] {
        var y = [Double](repeating: 0, count: 3 * columns)
        for j in 0..<columns { y[2 * columns + j] = table[6 * columns + j] }
        return y
    }

    /// dy/dt at state y; returns whether every component of the state and of dy/dt is finite.
    func evaluate(
        _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let n = columns
        let t = table
        let exc: UnsafeMutablePointer<Double>? =
            activeRow >= 0 ? lineCurrents + 2 * activeRow * n : nil
        for j in 0..<n {
            let ve = y[j]
            let vi = y[n + j]
            let vm = y[2 * n + j]
            let lineE = exc.map { $0[j] } ?? 0
            let lineI = exc.map { $0[n + j] } ?? 0
            dydt[j] = -ve * inverseTau + lineE * inverseSynapticCapacitance
            dydt[n + j] = -vi * inverseTau + lineI * inverseSynapticCapacitance
            var ie: Double
            var ii: Double
            if saturates {
                ie = t[j] * tanh(ve * inverseLinearRange)
                ii = t[n + j] * tanh(vi * inverseLinearRange)
            } else {
                ie = t[2 * n + j] * ve
                ii = t[3 * n + j] * vi
            }
            if compliance {
                ie *= OutputStage.rollOff(t[8 * n + j] - vm, width: complianceWidth)
                ii *= OutputStage.rollOff(vm - t[7 * n + j], width: complianceWidth)
            }
            dydt[2 * n + j] =
                (ie - ii + t[9 * n + j]) * t[4 * n + j] - t[5 * n + j] * (vm - t[6 * n + j])
        }
        // One sum carries any NaN or infinity of the state (through the derivative, which
        // every state component enters) to the check.
        var sum = 0.0
        for i in 0..<3 * n { sum += dydt[i] * 0 }
        return sum == 0
    }
}
