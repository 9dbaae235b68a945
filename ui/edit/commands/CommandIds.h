#pragma once

namespace fb {

// QUndoCommand::id() values of the commands that merge with their predecessor.
enum CommandId {
    SetParamCommandId = 1001,
    NodeSettingsCommandId,
    MetadataCommandId,
};

} // namespace fb
