// Pagination as an AsyncSequence: pages are fetched as the caller iterates, with the page
// size the API accepts (50, or 10 for Development Mode apps, learnt from the first 400).

import MomentumHTTP

/// The items of a paged endpoint, fetched page by page as you iterate.
public struct PageSequence<Item: Decodable & Sendable & Hashable>: AsyncSequence, Sendable {
    public typealias Element = Item

    let client: SpotifyClient
    let endpoint: String
    let path: String
    let query: [(String, String)]
    /// Extracts the page from the decoded answer (search wraps it in `{"artists": ...}`).
    let decodePage: @Sendable (SpotifyClient, TransportResponse) throws -> Paging<Item>
    /// The API refuses offsets beyond this (search stops at 1000).
    let maxOffset: Int?

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    /// Fetches pages as they are consumed.
    public struct Iterator: AsyncIteratorProtocol {
        let sequence: PageSequence
        var buffer: [Item] = []
        var offset = 0
        var pages = 0
        var finished = false

        public mutating func next() async throws -> Item? {
            while buffer.isEmpty {
                guard !finished else { return nil }
                try await fetchPage()
            }
            return buffer.removeFirst()
        }

        private mutating func fetchPage() async throws {
            let client = sequence.client
            guard pages < client.configuration.maximumPages else {
                throw SpotifyError.invalidAnswer(sequence.endpoint, "still announcing a next page after \(pages) pages (\(offset) items); stopped at the client's limit of \(client.configuration.maximumPages) pages")
            }
            pages += 1
            while true {
                let limit = await client.state.pageLimit
                let response = try await client.send(
                    path: sequence.path, query: sequence.query + [("limit", String(limit)), ("offset", String(offset))],
                    endpoint: sequence.endpoint, passing: [400]
                )
                if response.status == 400 {
                    let message = client.errorMessage(response)
                    // Development Mode apps may not ask for more than 10 a page (February 2026).
                    if message.lowercased().contains("limit"), limit > 10 {
                        client.logger?.info("\(sequence.endpoint): the API refused limit=\(limit) (\(message)); using pages of 10")
                        await client.state.limitPages(to: 10)
                        continue
                    }
                    throw SpotifyError.badRequest(sequence.endpoint, message: message.isEmpty ? "HTTP 400" : message)
                }
                let page = try sequence.decodePage(client, response)
                guard page.items.count <= limit else {
                    throw SpotifyError.invalidAnswer(sequence.endpoint, "a page of \(page.items.count) items for limit=\(limit)")
                }
                buffer.append(contentsOf: page.items)
                offset += page.items.count
                let total = page.total ?? Int.max
                finished = page.next == nil || page.items.isEmpty || offset >= total
                    || sequence.maxOffset.map { offset > $0 } == true
                return
            }
        }
    }
}
