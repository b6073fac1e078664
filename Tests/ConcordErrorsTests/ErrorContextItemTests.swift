import ConcordErrors
import Testing

@Suite("Error context items")
struct ErrorContextItemTests {
    struct Place: ErrorContextDescribing {
        var job: String?
        var chunk: Int?
        var line: Int?
        var items: [ErrorContextItem] { .labelled(["job": job, "chunk": chunk]) + (line.map { [.unprinted("line", "\($0)")] } ?? []) }
    }

    @Test("labelled items keep their order, leave out unknown values and write values as interpolation does")
    func labelled() {
        let items: [ErrorContextItem] = .labelled(["job": "j-1", "partner": String?.none, "chunk": 3, "value": 0.25])
        #expect(items.map(\.label) == ["job", "chunk", "value"])
        #expect(items.map(\.value) == ["j-1", "3", "0.25"])
        #expect(items.map(\.text) == ["job j-1", "chunk 3", "value 0.25"])
        #expect(items.text == "job j-1, chunk 3, value 0.25")
    }

    @Test("a context's description is its printed items; unprinted ones stay available to programs")
    func contextDescription() {
        let place = Place(job: "j-1", chunk: nil, line: 12)
        #expect(place.description == "job j-1")
        #expect(place.items.map(\.label) == ["job", "line"])
        #expect(Place().description.isEmpty)
        #expect(ErrorContextItem("file", "a.csv", text: "a.csv:3").description == "a.csv:3")
    }
}
