import Testing
@testable import ConcordChem

/// Golden Morgan fingerprints taken from RDKit 2026.09.1 for a handful of molecules,
/// built from RDKit's perceived graphs (so these tests do not depend on the SMILES parser).
@Suite("Morgan golden bits")
struct MorganGoldenTests {
    struct Golden: Sendable {
        var smiles: String
        var graph: String
        /// GetMorganGenerator(radius=2, fpSize=2048)
        var ecfp4: [Int]
        /// ... with atomInvariantsGenerator=GetMorganFeatureAtomInvGen()
        var fcfp4: [Int]
        /// GetMorganGenerator(radius=3, fpSize=1024, countSimulation=True)
        var countSim: [Int]
        /// GetMorganGenerator(radius=1, fpSize=64, includeRedundantEnvironments=True) counts
        var redundantCounts: [Int: Int]
    }

    static let goldens: [Golden] = [
        Golden(
            smiles: "CCO",
            graph: "6,0,0,0,3,0,0,0,0;6,0,0,0,2,0,0,0,0;8,0,0,0,1,0,0,0,0|0,1,1,0,0;1,2,1,0,0",
            ecfp4: [80, 222, 294, 807, 1057, 1410],
            fcfp4: [0, 3, 805, 1085, 2041],
            countSim: [132, 152, 156, 320, 520, 888],
            redundantCounts: [2: 1, 16: 1, 30: 1, 33: 1, 38: 1, 39: 1]),
        Golden(
            smiles: "c1ccccc1",
            graph: "6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0|0,1,12,1,1;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,0,12,1,1",
            ecfp4: [389, 1088, 1873],
            fcfp4: [4, 598, 2017],
            countSim: [256, 257, 258, 324, 325, 326, 532, 533, 534, 832],
            redundantCounts: [0: 6, 17: 6]),
        Golden(
            smiles: "CC(=O)O",
            graph: "6,0,0,0,3,0,0,0,0;6,0,0,0,0,0,0,0,0;8,0,0,0,0,0,0,0,0;8,0,0,0,1,0,0,0,0|0,1,1,0,0;1,2,2,0,0;1,3,1,0,0",
            ecfp4: [389, 508, 650, 807, 1017, 1057, 1917],
            fcfp4: [0, 1, 2, 32, 349, 1048, 1117, 1950],
            countSim: [132, 156, 157, 500, 532, 552, 996, 1008],
            redundantCounts: [5: 1, 10: 1, 33: 1, 39: 2, 57: 1, 60: 1, 61: 1]),
        Golden(
            smiles: "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
            graph: "6,0,0,0,3,0,0,0,0;7,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;7,0,0,0,0,0,1,1,0;6,0,0,0,0,0,1,1,0;6,0,0,0,0,0,1,1,0;6,0,0,0,0,0,1,1,0;8,0,0,0,0,0,0,0,0;7,0,0,0,0,0,1,1,0;6,0,0,0,3,0,0,0,0;6,0,0,0,0,0,1,1,0;8,0,0,0,0,0,0,0,0;7,0,0,0,0,0,1,1,0;6,0,0,0,3,0,0,0,0|0,1,1,0,0;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,6,12,1,1;6,7,2,0,0;6,8,12,1,1;8,9,1,0,0;8,10,12,1,1;10,11,2,0,0;10,12,12,1,1;12,13,1,0,0;5,1,12,1,1;12,4,12,1,1",
            ecfp4: [33, 314, 378, 400, 463, 504, 564, 650, 771, 932, 935, 1024, 1057, 1145, 1203, 1258, 1307, 1354, 1380, 1409, 1440, 1452, 1517, 1696, 1873],
            fcfp4: [0, 2, 4, 6, 45, 317, 411, 465, 476, 497, 570, 886, 966, 984, 1155, 1177, 1220, 1223, 1344, 1397, 1863, 1932],
            countSim: [0, 12, 108, 132, 133, 134, 192, 208, 209, 232, 233, 296, 324, 376, 400, 401, 402, 420, 460, 484, 485, 488, 516, 548, 552, 553, 576, 640, 641, 656, 668, 669, 688, 716, 828, 844, 928, 936, 948, 949, 992, 1000],
            redundantCounts: [1: 1, 3: 1, 10: 2, 17: 1, 32: 2, 33: 3, 36: 5, 39: 3, 44: 1, 52: 2, 56: 1, 57: 3, 58: 3]),
        Golden(
            smiles: "[2H]C([2H])([2H])Cl",
            graph: "1,2,0,0,0,1,0,0,0;6,0,0,0,0,0,0,0,0;1,2,0,0,0,1,0,0,0;1,2,0,0,0,1,0,0,0;17,0,0,0,0,0,0,0,0|0,1,1,0,0;1,2,1,0,0;1,3,1,0,0;1,4,1,0,0",
            ecfp4: [114, 1057, 1552, 1643, 1683, 2021],
            fcfp4: [0, 8, 491, 1085, 1607],
            countSim: [64, 65, 132, 428, 429, 456, 588, 916],
            redundantCounts: [16: 3, 19: 1, 33: 1, 37: 1, 43: 3, 50: 1]),
        Golden(
            smiles: "[13CH4]",
            graph: "6,13,0,4,0,1,0,0,0|",
            ecfp4: [1264],
            fcfp4: [0],
            countSim: [960],
            redundantCounts: [48: 1]),
        Golden(
            smiles: "[14CH3]C(=O)[O-]",
            graph: "6,14,0,3,0,1,0,0,0;6,0,0,0,0,0,0,0,0;8,0,0,0,0,0,0,0,0;8,0,-1,0,0,1,0,0,0|0,1,1,0,0;1,2,2,0,0;1,3,1,0,0",
            ecfp4: [650, 699, 715, 807, 1062, 1226, 1237, 1917],
            fcfp4: [0, 2, 32, 668, 1048, 1117, 2015],
            countSim: [152, 156, 500, 552, 748, 808, 812, 852],
            redundantCounts: [10: 2, 11: 1, 21: 1, 38: 1, 39: 1, 59: 1, 61: 1]),
        Golden(
            smiles: "C[N+](C)(C)C",
            graph: "6,0,0,0,3,0,0,0,0;7,0,1,0,0,1,0,0,0;6,0,0,0,3,0,0,0,0;6,0,0,0,3,0,0,0,0;6,0,0,0,3,0,0,0,0|0,1,1,0,0;1,2,1,0,0;1,3,1,0,0;1,4,1,0,0",
            ecfp4: [166, 414, 628, 1057],
            fcfp4: [0, 16, 1229, 2032],
            countSim: [132, 133, 134, 464, 465, 466, 632, 664],
            redundantCounts: [30: 1, 33: 4, 38: 1, 52: 4]),
        Golden(
            smiles: "[Na+].[Cl-]",
            graph: "11,0,1,0,0,1,0,0,0;17,0,-1,0,0,1,0,0,0|",
            ecfp4: [1213, 1866],
            fcfp4: [0, 8],
            countSim: [296, 756],
            redundantCounts: [10: 1, 61: 1]),
        Golden(
            smiles: "Oc1ccncc1",
            graph: "8,0,0,0,1,0,0,0,0;6,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;7,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0|0,1,1,0,0;1,2,12,1,1;2,3,12,1,1;3,4,12,1,1;4,5,12,1,1;5,6,12,1,1;6,1,12,1,1",
            ecfp4: [378, 383, 593, 745, 807, 1208, 1380, 1602, 1603, 1750, 1778, 1866, 1873],
            fcfp4: [3, 4, 6, 308, 590, 793, 808, 1068, 1155, 1925, 2017, 2039],
            countSim: [36, 156, 264, 268, 296, 297, 324, 325, 326, 400, 488, 508, 736, 737, 856, 857, 932, 968, 996],
            redundantCounts: [2: 1, 3: 1, 10: 2, 17: 4, 22: 2, 36: 1, 39: 1, 41: 1, 58: 1]),
        Golden(
            smiles: "NCCc1c[nH]c2ccccc12",
            graph: "7,0,0,0,2,0,0,0,0;6,0,0,0,2,0,0,0,0;6,0,0,0,2,0,0,0,0;6,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;7,0,0,1,0,0,1,1,0;6,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,0,0,1,1,0|0,1,1,0,0;1,2,1,0,0;2,3,1,0,0;3,4,12,1,1;4,5,12,1,1;5,6,12,1,1;6,7,12,1,1;7,8,12,1,1;8,9,12,1,1;9,10,12,1,1;10,11,12,1,1;11,3,12,1,1;11,6,12,1,1",
            ecfp4: [80, 119, 328, 364, 476, 806, 981, 1088, 1114, 1168, 1171, 1199, 1243, 1349, 1356, 1357, 1380, 1573, 1607, 1750, 1783, 1840, 1873, 1879, 1937],
            fcfp4: [0, 4, 5, 19, 233, 428, 598, 745, 804, 818, 821, 901, 1330, 1384, 1395, 1413, 1420, 1618, 1914, 1917, 2016, 2017, 2034],
            countSim: [64, 96, 148, 152, 192, 256, 257, 276, 284, 288, 292, 304, 308, 320, 321, 324, 325, 326, 348, 360, 400, 401, 432, 476, 532, 536, 560, 576, 580, 581, 588, 636, 700, 701, 780, 852, 856, 857, 876, 880, 884, 988],
            redundantCounts: [0: 2, 5: 1, 13: 1, 16: 2, 17: 5, 19: 1, 21: 1, 22: 2, 23: 1, 26: 1, 27: 1, 36: 3, 38: 1, 48: 1, 55: 1]),
        Golden(
            smiles: "OS(=O)(=O)c1ccco1",
            graph: "8,0,0,0,1,0,0,0,0;16,0,0,0,0,0,0,0,0;8,0,0,0,0,0,0,0,0;8,0,0,0,0,0,0,0,0;6,0,0,0,0,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;6,0,0,0,1,0,1,1,0;8,0,0,0,0,0,1,1,0|0,1,1,0,0;1,2,2,0,0;1,3,2,0,0;1,4,1,0,0;4,5,12,1,1;5,6,12,1,1;6,7,12,1,1;7,8,12,1,1;8,4,12,1,1",
            ecfp4: [17, 350, 450, 474, 592, 626, 650, 656, 787, 807, 859, 1088, 1186, 1233, 1380, 1385, 1476, 1750, 1873, 1926],
            fcfp4: [1, 2, 4, 6, 32, 58, 590, 730, 928, 1048, 1155, 1406, 1444, 1665, 1743, 1950, 2017, 2039],
            countSim: [68, 76, 156, 256, 320, 324, 325, 364, 376, 384, 400, 420, 456, 536, 552, 553, 576, 648, 776, 784, 785, 836, 856, 872, 944],
            redundantCounts: [0: 1, 4: 2, 10: 2, 16: 2, 17: 5, 19: 1, 22: 1, 30: 1, 36: 1, 39: 1, 50: 1]),
    ]

    @Test("ECFP4 matches RDKit", arguments: goldens.indices)
    func ecfp4(_ k: Int) throws {
        let g = Self.goldens[k]
        let mol = try #require(ParityReference.molecule(fromGraph: g.graph))
        #expect(mol.morganFingerprint(.ecfp4).onBits == g.ecfp4, "\(g.smiles)")
    }

    @Test("FCFP4 matches RDKit", arguments: goldens.indices)
    func fcfp4(_ k: Int) throws {
        let g = Self.goldens[k]
        let mol = try #require(ParityReference.molecule(fromGraph: g.graph))
        #expect(mol.morganFingerprint(.fcfp4).onBits == g.fcfp4, "\(g.smiles)")
    }

    @Test("count simulation (radius 3, 1024 bits) matches RDKit", arguments: goldens.indices)
    func countSimulation(_ k: Int) throws {
        let g = Self.goldens[k]
        let mol = try #require(ParityReference.molecule(fromGraph: g.graph))
        let options = MorganOptions(radius: 3, fpSize: 1024, countSimulation: true)
        #expect(mol.morganFingerprint(options).onBits == g.countSim, "\(g.smiles)")
    }

    @Test("redundant-environment counts (radius 1, 64 bits) match RDKit", arguments: goldens.indices)
    func redundantCounts(_ k: Int) throws {
        let g = Self.goldens[k]
        let mol = try #require(ParityReference.molecule(fromGraph: g.graph))
        var gen = MorganGenerator(options: MorganOptions(radius: 1, fpSize: 64, includeRedundantEnvironments: true))
        let c = gen.countFingerprint(mol)
        var dict: [Int: Int] = [:]
        for (key, count) in zip(c.keys, c.counts) { dict[Int(key)] = Int(count) }
        #expect(dict == g.redundantCounts, "\(g.smiles)")
    }

    @Test("unfolded sparse counts match GetSparseCountFingerprint")
    func sparseCounts() throws {
        let mol = try #require(ParityReference.molecule(fromGraph: Self.goldens[2].graph))
        var gen = MorganGenerator(options: .ecfp4)
        let c = gen.sparseCountFingerprint(mol)
        #expect(c.keys == [864662311, 864942730, 1510328189, 1533864325, 2205501948, 2246699815, 2246728737, 3545365497])
        #expect(c.counts == [1, 1, 1, 1, 1, 1, 1, 1])
        #expect(c.totalCount == 8)
    }
}
