import Testing

@testable import HXNetwork

// Tests of HXNetwork are added by the issue that builds it.
