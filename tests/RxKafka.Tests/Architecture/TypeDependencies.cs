using System.Reflection;
using System.Reflection.Emit;

namespace RxKafka.Tests.Architecture;

/// <summary>
/// Which types of an assembly a type of it uses, read from the compiled code: its base type and
/// interfaces, the signatures of its fields, properties, events and methods, their attributes and local
/// variables, and every type, method and field a method body names (the IL operands). Nested and
/// compiler-generated types (lambdas, iterators, async state machines) count as their outermost
/// declaring type, so a lambda's use is its method's use.
/// </summary>
internal static class TypeDependencies
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    // The operand size of every IL opcode, so a method body can be walked instruction by instruction.
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every (user, used) pair of outermost types of <paramref name="assembly"/>, a type never using itself.</summary>
    public static IEnumerable<(Type User, Type Used)> Of(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            var user = Outermost(type);
            var used = new HashSet<Type>();
            foreach (var referenced in ReferencedBy(type))
            {
                Collect(referenced, assembly, used);
            }

            foreach (var target in used.Where(t => t != user))
            {
                yield return (user, target);
            }
        }
    }

    /// <summary>The type a nested type is declared in, all the way out.</summary>
    public static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static IEnumerable<Type> ReferencedBy(Type type)
    {
        if (type.BaseType is { } baseType)
        {
            yield return baseType;
        }

        foreach (var item in type.GetInterfaces().Concat(AttributeTypes(type.CustomAttributes)))
        {
            yield return item;
        }

        foreach (var field in type.GetFields(Declared))
        {
            yield return field.FieldType;
        }

        foreach (var property in type.GetProperties(Declared))
        {
            yield return property.PropertyType;
        }

        foreach (var @event in type.GetEvents(Declared))
        {
            yield return @event.EventHandlerType!;
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            foreach (var item in InMethod(method))
            {
                yield return item;
            }
        }
    }

    private static IEnumerable<Type> InMethod(MethodBase method)
    {
        if (method is MethodInfo info)
        {
            yield return info.ReturnType;
        }

        foreach (var item in method.GetParameters().Select(p => p.ParameterType).Concat(AttributeTypes(method.CustomAttributes)))
        {
            yield return item;
        }

        if (method.GetMethodBody() is not { } body)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        foreach (var member in Operands(method, body.GetILAsByteArray() ?? []))
        {
            switch (member)
            {
                case Type used:
                    yield return used;
                    break;
                case FieldInfo field:
                    yield return field.DeclaringType!;
                    yield return field.FieldType;
                    break;
                case MethodBase called:
                    yield return called.DeclaringType!;
                    foreach (var item in (called.IsGenericMethod ? called.GetGenericArguments() : []).Concat(called.GetParameters().Select(p => p.ParameterType)))
                    {
                        yield return item;
                    }

                    if (called is MethodInfo calledInfo)
                    {
                        yield return calledInfo.ReturnType;
                    }

                    break;
            }
        }
    }

    // The types, fields and methods a method body names: the operands of newobj, call, ldfld, box, castclass, ldtoken, ...
    private static IEnumerable<MemberInfo> Operands(MethodBase method, byte[] il)
    {
        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineTok:
                    yield return module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                default:
                    position += OperandSize(opCode.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4, // branch targets, int32, float32, strings, signatures
    };

    private static IEnumerable<Type> AttributeTypes(IEnumerable<CustomAttributeData> attributes) =>
        attributes.SelectMany(a => new[] { a.AttributeType }
            .Concat(a.ConstructorArguments.Concat(a.NamedArguments.Select(n => n.TypedValue)).Select(v => v.Value).OfType<Type>()));

    // A used type counts as what it is built from: arrays, pointers, by-refs and generic instances of
    // the assembly's own types (List<TopicPartition> uses TopicPartition).
    private static void Collect(Type type, Assembly assembly, HashSet<Type> into)
    {
        if (type.HasElementType)
        {
            Collect(type.GetElementType()!, assembly, into);
            return;
        }

        if (type.IsGenericParameter)
        {
            return;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var argument in type.GetGenericArguments())
            {
                Collect(argument, assembly, into);
            }

            type = type.GetGenericTypeDefinition();
        }

        if (type.Assembly == assembly)
        {
            into.Add(Outermost(type));
        }
    }
}
