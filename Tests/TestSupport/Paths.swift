import Foundation

/// The repository's top folder (for fixtures, lab texts, scripts).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A file of the repository by its relative path.
public func repositoryPath(_ relative: String) -> String { repositoryRoot.appendingPathComponent(relative).path }

/// A capture fixture in Tests/Fixtures.
public func fixturePath(_ name: String) -> String { repositoryPath("Tests/Fixtures/" + name) }

public let isRoot = getuid() == 0
