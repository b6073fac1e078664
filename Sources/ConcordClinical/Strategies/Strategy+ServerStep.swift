import Foundation

extension Strategy {
    /// The server optimiser's step from `global` along `aggregate − global`, updating the moments in `state`.
    func step(_ state: inout StrategyState, global: [Double], aggregate: [Double]) -> [Double] {
        let delta = zip(aggregate, global).map { $0 - $1 }
        var m = state.firstMoment ?? [Double](repeating: 0, count: global.count)
        var v = state.secondMoment ?? [Double](repeating: 0, count: global.count)
        var next = global
        switch serverOptimizer {
        case .sgd(let eta):
            for k in next.indices { next[k] += eta * delta[k] }
            return next
        case .adam(let eta, let b1, let b2, let tau):
            for k in next.indices {
                m[k] = b1 * m[k] + (1 - b1) * delta[k]
                v[k] = b2 * v[k] + (1 - b2) * delta[k] * delta[k]
                next[k] += eta * m[k] / (v[k].squareRoot() + tau)
            }
        case .yogi(let eta, let b1, let b2, let tau):
            for k in next.indices {
                let d2 = delta[k] * delta[k]
                m[k] = b1 * m[k] + (1 - b1) * delta[k]
                v[k] -= (1 - b2) * d2 * Self.sign(v[k] - d2)
                next[k] += eta * m[k] / (v[k].squareRoot() + tau)
            }
        case .adagrad(let eta, let b1, let tau):
            for k in next.indices {
                m[k] = b1 * m[k] + (1 - b1) * delta[k]
                v[k] += delta[k] * delta[k]
                next[k] += eta * m[k] / (v[k].squareRoot() + tau)
            }
        }
        state.firstMoment = m; state.secondMoment = v
        return next
    }

    static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}
