#pragma once

#include "PipelineData.h"

#include <QList>
#include <QString>

namespace fb {

class NodeRegistry;

// Why a link can or cannot be made. The canvas shows `reason` while the user drags.
struct LinkCheck
{
    enum Code { Ok, UnknownNode, UnknownPort, SameNode, TypeMismatch, InputOccupied, Cycle };
    Code code = Ok;
    QString reason;
    bool ok() const { return code == Ok; }
};

LinkCheck checkLink(const PipelineData &pipeline, const NodeRegistry &registry, const Link &link);

// One thing wrong with a pipeline, located by node id and field.
struct Problem
{
    enum Code {
        UnknownNodeType,
        DuplicateId,
        InvalidId,
        UnknownParameter,
        WrongParameterType, // includes out of range and not one of the choices
        MissingParameter,
        MissingInput,
        BadLink, // unknown port, type mismatch, occupied input
        Cycle,
    };
    Code code;
    QString nodeId;  // empty for pipeline-wide problems
    QString field;   // parameter or port name, when it applies
    QString message; // full sentence without the location
    QString toString() const; // "node 'train', parameter 'C': must be between ..."
};

// Everything wrong with `pipeline`; empty when it can run.
QList<Problem> validatePipeline(const PipelineData &pipeline, const NodeRegistry &registry);

// The effective parameters of a node: type defaults overlaid with the node's own values.
QJsonObject effectiveParams(const Node &node, const NodeRegistry &registry);

} // namespace fb
